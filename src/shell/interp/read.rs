//! The `read` builtin as bash's: options read as getopt does (`-rn1`, `-rd ''`), input from
//! standard input or `-u FD`, backslashes that quote the next character (and join lines),
//! `-n`/`-N` counts, `-d` delimiters, `-t 0`, and the line split on IFS into names (the rest
//! in the last), into `-a ARRAY`, or kept whole in `REPLY`. The line held is charged to the
//! shell's memory budget as it is read.

use super::exec::{Interp, Io, Status};
use super::state::{Array, ShellState, Value};

/// What one `read` call was asked to do.
#[derive(Debug, Default)]
struct ReadCall {
    raw: bool,
    array: Option<String>,
    delimiter: u8,
    /// `-n N` (stops at the delimiter) or `-N N` (exactly N, delimiters included).
    count: Option<(usize, bool)>,
    fd: usize,
    /// `-t 0`: only whether input is there; nothing is read.
    poll: bool,
    names: Vec<String>,
}

/// The call's options; `Err((message, status))` for a usage error.
fn read_call(args: &[String]) -> Result<ReadCall, (String, i32)> {
    let mut call = ReadCall {
        delimiter: b'\n',
        ..ReadCall::default()
    };
    let mut index = 0;
    while let Some(arg) = args.get(index) {
        index += 1;
        if arg == "--" {
            break;
        }
        let Some(letters) = arg.strip_prefix('-').filter(|l| !l.is_empty()) else {
            index -= 1;
            break;
        };
        for (at, letter) in letters.char_indices() {
            if !"adinNptu".contains(letter) {
                match letter {
                    'r' => call.raw = true,
                    's' | 'e' => {}
                    other => return Err((format!("-{other}: invalid option"), 2)),
                }
                continue;
            }
            // The option's value: the rest of this argument, else the next one.
            let rest = &letters[at + letter.len_utf8()..];
            let value = if rest.is_empty() {
                let Some(value) = args.get(index) else {
                    return Err((format!("-{letter}: option requires an argument"), 2));
                };
                index += 1;
                value.clone()
            } else {
                rest.to_string()
            };
            let number = || {
                value
                    .parse::<usize>()
                    .map_err(|_| (format!("{value}: invalid number"), 1))
            };
            match letter {
                'a' => call.array = Some(value),
                'd' => call.delimiter = value.bytes().next().unwrap_or(0),
                'n' => call.count = Some((number()?, false)),
                'N' => call.count = Some((number()?, true)),
                'u' => {
                    call.fd = value
                        .parse::<usize>()
                        .ok()
                        .filter(|fd| *fd <= super::redirect::MAX_FD)
                        .ok_or_else(|| {
                            (format!("{value}: invalid file descriptor specification"), 1)
                        })?
                }
                't' => {
                    let seconds: f64 = value
                        .parse()
                        .map_err(|_| (format!("{value}: invalid timeout specification"), 1))?;
                    call.poll = seconds == 0.0;
                }
                _ => {} // -p PROMPT and -i TEXT: for terminals only.
            }
            break;
        }
    }
    call.names = args[index.min(args.len())..].to_vec();
    Ok(call)
}

/// A character of the line read and whether a backslash quoted it (a quoted character never
/// separates fields).
type Quoted = (char, bool);

/// Characters of `bytes` with backslashes applied (unless `raw`): `\c` is `c` quoted, and a
/// backslash before a newline joins the lines.
fn unescaped(bytes: &[u8], raw: bool) -> Vec<Quoted> {
    let text = String::from_utf8_lossy(bytes);
    let mut out = Vec::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' if !raw => match chars.next() {
                Some('\n') => {}
                Some(next) => out.push((next, true)),
                None => {}
            },
            c => out.push((c, false)),
        }
    }
    out
}

/// Whether `bytes` ends with a backslash that is not itself quoted.
fn ends_with_escape(bytes: &[u8]) -> bool {
    bytes.iter().rev().take_while(|&&b| b == b'\\').count() % 2 == 1
}

impl Interp<'_> {
    pub(crate) async fn read_builtin(
        &self,
        state: &mut ShellState,
        io: &Io,
        args: &[String],
    ) -> Status {
        let call = match read_call(args) {
            Ok(call) => call,
            Err((message, status)) => {
                io.report(&format!("sh: read: {message}\n"));
                return Ok(status);
            }
        };
        let Some(input) = io.input_at(call.fd) else {
            io.report(&format!(
                "sh: read: {}: invalid file descriptor: Bad file descriptor\n",
                call.fd
            ));
            return Ok(1);
        };
        if call.poll {
            return Ok(0);
        }
        // The line read is a value of the shell: no longer than the budget has room for (the
        // text, its copy and the variables made of it).
        let room = self.budget.available() / 3;
        let mut line: Vec<u8> = Vec::new();
        let mut at_end = false;
        if let Some((limit, exact)) = call.count {
            // Byte by byte: a backslash and what it quotes count as one, a joined line as none.
            let mut counted = 0;
            let mut escape = false;
            while counted < limit {
                if line.len() >= room {
                    return Err(self.out_of_memory());
                }
                let Some(byte) = input.read(1).await.ok().and_then(|b| b.first().copied()) else {
                    at_end = true;
                    break;
                };
                if escape {
                    escape = false;
                    line.push(byte);
                    if byte != b'\n' {
                        counted += 1;
                    }
                    continue;
                }
                if !exact && byte == call.delimiter {
                    break;
                }
                line.push(byte);
                if byte == b'\\' && !call.raw {
                    escape = true;
                } else {
                    counted += 1;
                }
            }
        } else {
            loop {
                let left = room.saturating_sub(line.len());
                match input.read_until(call.delimiter, left).await {
                    Ok(Some(part))
                        if part.len() >= left && part.last() != Some(&call.delimiter) =>
                    {
                        return Err(self.out_of_memory());
                    }
                    Ok(Some(mut part)) => {
                        let complete = part.last() == Some(&call.delimiter);
                        if complete {
                            part.pop();
                        }
                        if complete && !call.raw && ends_with_escape(&part) {
                            // A quoted delimiter: kept (a quoted newline joins the lines).
                            part.push(call.delimiter);
                            line.extend(part);
                            continue;
                        }
                        line.extend(part);
                        at_end = !complete;
                        break;
                    }
                    Ok(None) | Err(_) => {
                        at_end = true;
                        break;
                    }
                }
            }
        }
        let chars = unescaped(&line, call.raw);
        let ifs = state.ifs();
        let plain = || chars.iter().map(|(c, _)| *c).collect::<String>();
        if let Some(array) = &call.array {
            let fields = split_fields(&chars, &ifs, None);
            state.set(array, Value::Array(Array::from_values(fields)));
        } else if call.names.is_empty() {
            // `read` with no name keeps the whole line in REPLY, blanks and all.
            state.set_scalar("REPLY", plain());
        } else if matches!(call.count, Some((_, true))) {
            // `-N`: the text is not split; the first name takes it all.
            state.set_scalar(&call.names[0], plain());
            for name in &call.names[1..] {
                state.set_scalar(name, "");
            }
        } else {
            let fields = split_fields(&chars, &ifs, Some(call.names.len()));
            for (index, name) in call.names.iter().enumerate() {
                state.set_scalar(name, fields.get(index).cloned().unwrap_or_default());
            }
        }
        Ok(i32::from(at_end))
    }
}

/// The fields of a line read, split on IFS as bash's `read` splits: IFS whitespace around
/// fields is dropped, each other IFS character ends one field; with `names`, the last takes
/// the rest of the line (its trailing IFS whitespace dropped, or the last field alone when
/// only that field and its separator are left).
fn split_fields(chars: &[Quoted], ifs: &str, names: Option<usize>) -> Vec<String> {
    let separates = |&(c, quoted): &Quoted| !quoted && ifs.contains(c);
    let blank = |q: &Quoted| separates(q) && matches!(q.0, ' ' | '\t' | '\n');
    let text = |part: &[Quoted]| part.iter().map(|(c, _)| *c).collect::<String>();
    let skip_blanks = |mut at: usize| {
        while at < chars.len() && blank(&chars[at]) {
            at += 1;
        }
        at
    };
    // One field from `at`: its end and where the next one starts.
    let field = |at: usize| {
        let mut end = at;
        while end < chars.len() && !separates(&chars[end]) {
            end += 1;
        }
        let mut next = skip_blanks(end);
        if next < chars.len() && separates(&chars[next]) && !blank(&chars[next]) {
            next = skip_blanks(next + 1);
        }
        (end, next)
    };
    let mut fields = Vec::new();
    let mut at = skip_blanks(0);
    while at < chars.len() {
        if names.is_some_and(|n| fields.len() + 1 == n) {
            let (end, next) = field(at);
            if next >= chars.len() {
                fields.push(text(&chars[at..end]));
            } else {
                let mut last = chars.len();
                while last > at && blank(&chars[last - 1]) {
                    last -= 1;
                }
                fields.push(text(&chars[at..last]));
            }
            break;
        }
        let (end, next) = field(at);
        fields.push(text(&chars[at..end]));
        at = next;
    }
    fields
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(line: &str, ifs: &str, names: Option<usize>) -> Vec<String> {
        split_fields(&unescaped(line.as_bytes(), false), ifs, names)
    }

    #[test]
    fn fields_split_as_bash_reads_them() {
        assert_eq!(
            split("  one two  three  ", " \t\n", Some(2)),
            ["one", "two  three"]
        );
        assert_eq!(split("x:y:z", ":", Some(2)), ["x", "y:z"]);
        assert_eq!(split("a:b:", ":", Some(2)), ["a", "b"]);
        assert_eq!(split("a:b::", ":", Some(2)), ["a", "b::"]);
        assert_eq!(split("a b x x", "x ", None), ["a", "b", ""]);
        assert_eq!(split("a b x ", "x ", None), ["a", "b"]);
        assert_eq!(split(r"a b c\ d", " ", None), ["a", "b", "c d"]);
        assert_eq!(split(r"b\: c:d", ":", Some(2)), ["b: c", "d"]);
    }

    #[test]
    fn options_read_as_getopt() {
        let args = |a: &[&str]| a.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let call = read_call(&args(&["-rn1", "var"])).unwrap();
        assert!(call.raw);
        assert_eq!(
            (call.count, call.names),
            (Some((1, false)), vec!["var".to_string()])
        );
        let call = read_call(&args(&["-rd", "", "v"])).unwrap();
        assert_eq!(call.delimiter, 0);
        assert_eq!(read_call(&args(&["-n", "x"])).unwrap_err().1, 1);
        assert_eq!(read_call(&args(&["-u", "3", "-t", "0"])).unwrap().fd, 3);
    }
}
