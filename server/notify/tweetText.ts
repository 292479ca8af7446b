// Pure tweet text rules, shared by the Twitter channel and the console preview.
//
// Twitter counts every URL as 23 characters (t.co wraps them) whatever its real length, and a tweet
// holds at most 280. Everything else counts one per Unicode code point (Twitter weighs CJK and
// emoji double; this counter does not).

export const TWEET_MAX = 280;
export const TCO_URL_LENGTH = 23;
const URL_RE = /https?:\/\/[^\s]+/g;
const ELLIPSIS = '…';

/** Length as Twitter counts it: URLs as 23, everything else per code point. */
export function tweetLength(text: string): number {
  let n = 0;
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    n += [...text.slice(last, m.index)].length + TCO_URL_LENGTH;
    last = m.index + m[0].length;
  }
  return n + [...text.slice(last)].length;
}

/** Cuts `text` (with '…') so that its tweet length is at most `budget`. */
export function truncateTweet(text: string, budget: number): string {
  if (tweetLength(text) <= budget) return text;
  if (budget <= 0) return '';
  const chars = [...text];
  // Cutting never makes a prefix count longer than the whole, except a cut URL still counting 23:
  // walking down from the budget handles both.
  for (let n = Math.min(chars.length, budget); n > 0; n--) {
    const candidate = chars.slice(0, n).join('').trimEnd() + ELLIPSIS;
    if (tweetLength(candidate) <= budget) return candidate;
  }
  return ELLIPSIS;
}

export interface TweetInput {
  /** Shown in brackets first, e.g. "Investigating". */
  label?: string;
  title: string;
  message?: string;
  /** Link to the incident or maintenance page; always kept, always last. */
  url?: string;
  /** A short line kept whole before the link, e.g. "Next update by 14:30 UTC." (the message is cut instead). */
  footer?: string;
  /** Staff-written text: used instead of the generated line (only cut if over 280). */
  custom?: string | null;
}

const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();

/** `[Investigating] Checkout failing — We are looking into it. https://…/incidents/<id>`, ≤ 280. */
export function tweetText(input: TweetInput): string {
  const custom = input.custom?.trim();
  if (custom) return truncateTweet(custom, TWEET_MAX);
  const head = [input.label ? `[${oneLine(input.label)}]` : '', oneLine(input.title)].filter(Boolean).join(' ');
  const message = input.message ? oneLine(input.message) : '';
  const body = message ? `${head} — ${message}` : head;
  const tail = [input.footer ? oneLine(input.footer) : '', input.url?.trim() ?? ''].filter(Boolean).join(' ');
  if (!tail) return truncateTweet(body, TWEET_MAX);
  const budget = TWEET_MAX - tweetLength(tail) - 1;
  return `${truncateTweet(body, budget)} ${tail}`;
}

/** "investigating" → "Investigating", "in_progress" → "In progress". */
export function statusLabel(status: string): string {
  const s = status.replace(/_/g, ' ');
  return s.charAt(0).toUpperCase() + s.slice(1);
}
