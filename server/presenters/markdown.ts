import MarkdownIt from 'markdown-it';

// Postmortems are Markdown written by staff and shown to the public. markdown-it with html: false
// escapes every raw HTML tag; links are limited to http(s), mailto and same-site paths (no
// javascript:, data: or vbscript:), and images are off (no tracking pixels or data: URLs).
const SAFE_LINK = /^(https?:\/\/|mailto:|\/(?!\/)|#)/i;

const md = new MarkdownIt({ html: false, linkify: true, typographer: false });
md.disable(['image']);
md.validateLink = (url: string) => SAFE_LINK.test(url.trim());

const defaultOpen = md.renderer.rules.link_open ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]!.attrSet('rel', 'noopener noreferrer nofollow');
  return defaultOpen(tokens, idx, options, env, self);
};

/** Safe HTML for a postmortem: the only raw HTML the views output (`{{{ }}}`), produced here. */
export function renderMarkdown(source: string): string {
  return md.render(source);
}
