import type { ClusterFormatter } from './index.js';
import type { FormatName } from './names.js';

/** A cluster report's formatter, loaded on its own (as names.ts loads a node report's). */
export async function loadClusterFormatter(name: FormatName): Promise<ClusterFormatter> {
  switch (name) {
    case 'text':
      return (await import('./cluster-text.js')).clusterText;
    case 'json':
      return (await import('./cluster-json.js')).clusterJson;
    case 'junit':
      return (await import('./cluster-junit.js')).clusterJunit;
    case 'sarif':
      return (await import('./cluster-sarif.js')).clusterSarif;
    case 'markdown':
      return (await import('./cluster-markdown.js')).clusterMarkdown;
    case 'html':
      return (await import('./cluster-html.js')).clusterHtml;
  }
}
