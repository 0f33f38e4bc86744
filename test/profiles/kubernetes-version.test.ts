import { describe, expect, it } from 'vitest';
import {
  imageVersion,
  parseKubernetesVersion,
  releaseOf,
} from '../../src/profiles/kubernetes-version.js';

describe('parseKubernetesVersion', () => {
  it.each([
    ['v1.11.5', [1, 11, 5]],
    ['1.11.5', [1, 11, 5]],
    [' v1.15.12 ', [1, 15, 12]],
    ['v1.15.12-rancher2', [1, 15, 12]],
    ['v1.11.3-rancher1-1', [1, 11, 3]],
    ['v1.24.17-rancher1-1', [1, 24, 17]],
    ['v1.27.0-rc.1', [1, 27, 0]],
    ['v1.27.16', [1, 27, 16]],
    ['v2.0.0', [2, 0, 0]],
  ])('%s reads as %j', (text, [major, minor, patch]) => {
    const v = parseKubernetesVersion(text);
    expect(v).toEqual({ major, minor, patch, text: text.trim() });
    expect(releaseOf(v as NonNullable<typeof v>)).toBe(`v${major}.${minor}.${patch}`);
  });

  it.each([
    'v1.15.x-rancher1-weird',
    'v1.15.3-rancher1-weird',
    'v1.15',
    'v1.15.',
    '1.26+',
    'v1.15.12+k3s1',
    'v1.26.4-eks-0a21954',
    'v01.15.3',
    'v1.015.3',
    'latest',
    '',
    'v1.15.12-rancher',
    'v1.15.12\nv1.18.0',
    'V1.15.12',
    'v1.15.12-rancher1-1-2',
    'v1.1234.1',
  ])('%j is not a version: read as none, never a guess', (text) => {
    expect(parseKubernetesVersion(text)).toBeUndefined();
  });
});

describe('imageVersion', () => {
  it.each([
    ['rancher/hyperkube:v1.15.12-rancher2', 'v1.15.12-rancher2', 15],
    ['rancher/hyperkube:v1.24.17-rancher1', 'v1.24.17-rancher1', 24],
    ['registry.local:5000/rancher/hyperkube:v1.18.20-rancher1', 'v1.18.20-rancher1', 18],
    ['rancher/hyperkube:v1.20.15-rancher1@sha256:0123abcd', 'v1.20.15-rancher1', 20],
    ['k8s.gcr.io/kube-apiserver:v1.23.4', 'v1.23.4', 23],
    ['registry.k8s.io/kube-proxy:v1.25.0', 'v1.25.0', 25],
  ])('%s: tag %s, Kubernetes 1.%i', (image, tag, minor) => {
    const v = imageVersion(image);
    expect(v.kind).toBe('kubernetes');
    if (v.kind !== 'kubernetes') return;
    expect(v.tag).toBe(tag);
    expect(v.version?.minor).toBe(minor);
  });

  it.each([
    ['rancher/hyperkube:v1.15.x-rancher1-weird', 'v1.15.x-rancher1-weird'],
    ['rancher/hyperkube:latest', 'latest'],
    ['rancher/hyperkube', undefined],
    ['registry.local:5000/rancher/hyperkube', undefined],
  ])('%s is a Kubernetes image whose tag is no version', (image, tag) => {
    expect(imageVersion(image)).toEqual({ kind: 'kubernetes', tag, version: undefined });
  });

  it.each([
    'rancher/coreos-etcd:v3.2.18',
    'rancher/rke-tools:v0.1.13',
    'sha256:4f2b7c0e7a4d',
    '',
    'rancher/hyperkube-extra:v1.15.12',
    'evil/hyperkubes:v1.15.12',
  ])('%j is not a Kubernetes component image', (image) => {
    expect(imageVersion(image)).toEqual({ kind: 'none' });
  });
});
