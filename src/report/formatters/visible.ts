/**
 * Control characters in evidence (a stray escape sequence in a container argument, say) are shown
 * escaped, never passed through: raw, they could rewrite an auditor's terminal, vanish from a
 * document, or make an XML file unparsable. The one helper is src/text/visible.ts; formatters
 * import it from here.
 */
export { oneLine, visible } from '../../text/visible.js';
