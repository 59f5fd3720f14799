// Users' regular expressions (the built-in grep) run on RE2's linear-time engine (re2js, a pure
// JS port of RE2/J), never on V8's backtracking one: `^(a+)+$` on a long line of a's used to
// hold a task slot until the timeout. RE2 has no backreferences and no lookaround; a pattern
// using them gets a clear form error instead of a slow job.
import { RE2JS } from "re2js";

export type UserRegex = RE2JS;

/** The pattern compiled for matching; throws what userRegexError explains. */
export function compileUserRegex(source: string, ignoreCase: boolean): UserRegex {
  return RE2JS.compile(source, ignoreCase ? RE2JS.CASE_INSENSITIVE : 0);
}

/** Why a pattern cannot be used, in the form's words; null when it can. */
export function userRegexError(source: string): string | null {
  try {
    compileUserRegex(source, false);
    return null;
  } catch (error) {
    const message = (error as Error).message;
    if (/\\[1-9]/.test(source) && /invalid escape sequence: `\\[1-9]/.test(message)) {
      return "Backreferences (\\1, \\2, …) are not supported: patterns run on a linear-time engine (RE2 syntax).";
    }
    if (/\(\?<?[=!]/.test(source)) {
      return "Lookahead and lookbehind ((?=…), (?!…), (?<=…), (?<!…)) are not supported: patterns run on a linear-time engine (RE2 syntax).";
    }
    return `Not a valid regular expression (RE2 syntax): ${message.replace(/^error parsing regexp: /, "")}.`;
  }
}

/** Every non-empty match in `text`, left to right, as RegExp's global exec loop finds them. */
export function* userRegexMatches(re: UserRegex, text: string): Generator<string> {
  const m = re.matcher(text);
  while (m.find()) {
    const s = m.group();
    if (s !== null && s.length > 0) yield s;
  }
}
