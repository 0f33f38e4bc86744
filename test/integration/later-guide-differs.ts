/**
 * Where a later guide's own audit command and rkecis legitimately disagree on the profile's
 * hardened example, by profile and control, and why (the guide's errata, named in the control's
 * `erratum`, or the guide's own ruling): what the guide's commands say, what rkecis says, why.
 * live-later.test.ts requires each entry to still occur, exactly so.
 */
export interface Difference {
  guide: 'pass' | 'fail';
  ours: string;
  why: string;
}

const CADVISOR: Difference = {
  guide: 'fail',
  ours: 'pass',
  why:
    "erratum: the guide's jq command looks for --cadvisor-port=0 and finds nothing (jq prints null, exit 4), " +
    'which the guide reads as a pass; the kubelet has had no --cadvisor-port since 1.12, and rkecis passes the flag unset or 0',
};
const ROTATE: Difference = {
  guide: 'fail',
  ours: 'not-applicable',
  why:
    'the guide rules the control not applicable on RKE ("RKE handles certificate rotation through an external process"); ' +
    'its command, looking for --rotate-certificates=true, finds nothing, which read alone would be a fail',
};

export const GUIDE_DIFFERS: Record<string, Record<string, Difference>> = {
  'rke-cis-1.4.0': { '2.1.11': CADVISOR, '2.1.12': ROTATE },
  'rke-cis-1.4.1': { '2.1.11': CADVISOR, '2.1.12': ROTATE },
  'rke-cis-1.4.1-v2.3': {
    '1.4.11': {
      guide: 'fail',
      ours: 'pass',
      why:
        "erratum: the guide stats /var/lib/rancher/etcd, the etcd container's --data-dir, which is not on the host " +
        '(stat fails); RKE binds the host directory /var/lib/etcd there, which rkecis reads (the v2.2 and v2.3.3 guides stat it)',
    },
    '1.4.12': {
      guide: 'fail',
      ours: 'pass',
      why: 'erratum: as 1.4.11, the guide stats the container path /var/lib/rancher/etcd, not on the host',
    },
    '2.1.11': CADVISOR,
    '2.1.12': ROTATE,
  },
};
