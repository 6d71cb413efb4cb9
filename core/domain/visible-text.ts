// The prose a reader sees when GitHub renders Markdown: without HTML comments (hidden) and code (fenced or inline,
// quoted rather than said). What a change claims is read from this, never from what nobody sees or says.

const FENCE = /^ {0,3}(`{3,}|~{3,})/;

function withoutFencedCode(text: string): string {
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of text.split('\n')) {
    const opening = FENCE.exec(line)?.[1];
    if (fence === undefined) {
      if (opening) fence = opening;
      else kept.push(line);
    } else if (opening && opening[0] === fence[0] && opening.length >= fence.length && line.trim() === opening) {
      fence = undefined;
    }
  }
  // An unclosed fence runs to the end, as GitHub renders it.
  return kept.join('\n');
}

/** The text outside HTML comments and code spans and blocks; an unclosed comment or fence hides the rest. */
export function visibleText(text: string): string {
  return (
    withoutFencedCode(text)
      .replace(/<!--[\s\S]*?(?:-->|$)/g, ' ')
      // A code span opens and closes with backtick runs of the same length.
      .replace(/(`+)(?!`)[\s\S]*?(?<!`)\1(?!`)/g, ' ')
  );
}
