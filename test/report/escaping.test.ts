import { describe, expect, it } from 'vitest';
import { html as esc } from '../../src/report/formatters/html-escape.js';
import { html } from '../../src/report/formatters/html.js';
import { mdCell, mdCode, mdInline, mdProse } from '../../src/report/formatters/markdown-escape.js';
import { markdown } from '../../src/report/formatters/markdown.js';
import { blocks } from '../../src/report/formatters/prose.js';
import { visible } from '../../src/report/formatters/visible.js';
import { xmlAttr, xmlText } from '../../src/report/formatters/xml.js';
import { HOSTILE, sampleReport } from '../helpers/sample-report.js';

describe('markdown escaping', () => {
  it.each([
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['a | b', 'a \\| b'],
    [
      '*bold* _it_ `code` [link](x) ~s~ #h !',
      '\\*bold\\* \\_it\\_ \\`code\\` \\[link\\](x) \\~s\\~ \\#h \\!',
    ],
    ['AT&T &amp;', 'AT&amp;T &amp;amp;'],
    ['back\\slash', 'back\\\\slash'],
    ['- not a list', '\\- not a list'],
    ['+ not a list', '\\+ not a list'],
    ['1. not a list', '1\\. not a list'],
    ['---', '\\---'],
    ['===', '\\==='],
    ['--anonymous-auth=false', '--anonymous-auth=false'],
    ['1.1.21 - title', '1.1.21 - title'],
  ])('mdInline(%j)', (input, expected) => {
    expect(mdInline(input)).toBe(expected);
  });

  it('keeps a table cell on one line', () => {
    expect(mdCell('a|b\nc<d>')).toBe('a\\|b<br>c&lt;d&gt;');
  });

  it('fences code with more backticks than the code holds', () => {
    expect(mdCode('x ``` y', 'text')).toBe('````text\nx ``` y\n````');
    expect(mdCode('plain')).toBe('```\nplain\n```');
  });

  it('keeps line breaks of prose', () => {
    expect(mdProse('one\ntwo\n\nthree')).toBe('one\\\ntwo\n\nthree');
  });

  it('shows hostile evidence only inside a code block', () => {
    const md = markdown(sampleReport());
    const outsideCode = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '');
    expect(outsideCode).not.toContain('<script');
    expect(outsideCode).not.toContain('<img');
    expect(md).toContain(`\n${HOSTILE.replace('\u0001', '\\x01')}\n`);
  });

  it('gives every control an anchor', () => {
    const md = markdown(sampleReport());
    for (const r of sampleReport().results) expect(md).toContain(`<a id="control-${r.id}"></a>`);
  });
});

describe('prose blocks', () => {
  it('treats one-line paragraphs as prose with code spans, several lines as a snippet', () => {
    expect(blocks('Run `rke up` now.\n\nservices:\n  kube-api: {}\n\n   \n')).toEqual([
      {
        kind: 'prose',
        spans: [
          { code: false, text: 'Run ' },
          { code: true, text: 'rke up' },
          { code: false, text: ' now.' },
        ],
      },
      { kind: 'pre', text: 'services:\n  kube-api: {}' },
    ]);
  });
});

describe('html escaping', () => {
  it('escapes markup and quotes, and replaces characters HTML cannot hold', () => {
    expect(esc(`<a href="x" onclick='y'>&</a>\u0000\uD800`)).toBe(
      '&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;\uFFFD\uFFFD',
    );
    expect(esc('\uD83D\uDE00')).toBe('\uD83D\uDE00');
  });

  it('never lets evidence become markup', () => {
    const doc = html(sampleReport());
    expect(doc).not.toContain('<script>window');
    expect(doc).not.toContain('<img');
    expect(doc).toContain('&lt;script&gt;window.__pwned = 1&lt;/script&gt;');
    expect(doc.match(/<script>/g)).toHaveLength(1);
  });

  it('loads nothing: a CSP that forbids network loads, and no external references', () => {
    const doc = html(sampleReport());
    expect(doc).toMatch(
      /<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-[^"]+&#39;; script-src &#39;sha256-[^"]+&#39;; img-src &#39;none&#39;/,
    );
    expect(doc).not.toMatch(/\b(src|href)="(?!#)/);
    expect(doc).not.toMatch(/<link\b|@import|url\(/);
    expect(doc).not.toMatch(/https?:\/\//);
  });

  it('gives every control an anchor and a self-link', () => {
    const doc = html(sampleReport());
    for (const r of sampleReport().results) {
      expect(doc).toContain(`id="control-${r.id}"`);
      expect(doc).toContain(`href="#control-${r.id}"`);
    }
  });
});

describe('xml escaping', () => {
  it('escapes text and attributes', () => {
    expect(xmlText('a<b>&c]]>')).toBe('a&lt;b&gt;&amp;c]]&gt;');
    expect(xmlAttr('"q"\n\'s\'\t')).toBe('&quot;q&quot;&#10;&apos;s&apos;&#9;');
    expect(xmlText('x\u0000\u0008\uFFFEy\uD800')).toBe('xy');
  });
});

describe('visible', () => {
  it('shows control characters as \\xNN and keeps tab and newline', () => {
    expect(visible('a\u001b[31mb\tc\nd\u007f\u0085')).toBe('a\\x1b[31mb\tc\nd\\x7f\\x85');
  });
});
