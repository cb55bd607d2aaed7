//! C printf conversions (`%-08.3f` and friends) for printf and `seq -f`.

/// One parsed conversion: flags, width, precision and the conversion letter.
#[derive(Debug, Clone, Default)]
pub struct Spec {
    pub left: bool,
    pub plus: bool,
    pub space: bool,
    pub alternate: bool,
    pub zero: bool,
    pub width: Option<usize>,
    pub precision: Option<usize>,
    pub conversion: u8,
}

/// Where a width or precision comes from.
pub enum Amount {
    None,
    Given(usize),
    FromArgument,
}

/// The parts of a conversion as written, before `*` amounts are filled in.
pub struct Parsed {
    pub spec: Spec,
    pub width: Amount,
    pub precision: Amount,
    /// Bytes of the format used, starting after the `%`.
    pub length: usize,
}

impl Parsed {
    /// The spec with the widths and precisions written in the format (`*` ones left unset).
    pub fn written_spec(&self) -> Spec {
        let mut spec = self.spec.clone();
        if let Amount::Given(width) = self.width {
            spec.width = Some(width);
        }
        if let Amount::Given(precision) = self.precision {
            spec.precision = Some(precision);
        }
        spec
    }
}

/// Parses a conversion starting just after `%`; `None` when it is malformed or unknown.
pub fn parse(format: &[u8]) -> Option<Parsed> {
    let mut spec = Spec::default();
    let mut i = 0;
    while let Some(&c) = format.get(i) {
        match c {
            b'-' => spec.left = true,
            b'+' => spec.plus = true,
            b' ' => spec.space = true,
            b'#' => spec.alternate = true,
            b'0' => spec.zero = true,
            b'\'' => {}
            _ => break,
        }
        i += 1;
    }
    let (width, used) = amount(&format[i..]);
    i += used;
    let mut precision = Amount::None;
    if format.get(i) == Some(&b'.') {
        i += 1;
        let (given, used) = amount(&format[i..]);
        i += used;
        precision = match given {
            Amount::None => Amount::Given(0),
            other => other,
        };
    }
    while matches!(
        format.get(i),
        Some(b'h' | b'l' | b'L' | b'q' | b'j' | b'z' | b't')
    ) {
        // `%q` alone is bash's shell-quoting conversion, not a length.
        if format.get(i) == Some(&b'q')
            && !format
                .get(i + 1)
                .is_some_and(|c| b"diouxXfFeEgGaA".contains(c))
        {
            break;
        }
        i += 1;
    }
    let conversion = *format.get(i)?;
    if !b"diouxXfFeEgGaAcsbq".contains(&conversion) {
        return None;
    }
    spec.conversion = conversion;
    Some(Parsed {
        spec,
        width,
        precision,
        length: i + 1,
    })
}

fn amount(text: &[u8]) -> (Amount, usize) {
    if text.first() == Some(&b'*') {
        return (Amount::FromArgument, 1);
    }
    let digits = text.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        return (Amount::None, 0);
    }
    let value = std::str::from_utf8(&text[..digits])
        .ok()
        .and_then(|d| d.parse().ok())
        .unwrap_or(usize::MAX);
    (Amount::Given(value.min(1 << 20)), digits)
}

/// Pads to the width; zero padding goes after the sign or `0x` prefix.
fn pad(spec: &Spec, body: String, zero_allowed: bool) -> String {
    let width = spec.width.unwrap_or(0);
    let length = body.chars().count();
    if length >= width {
        return body;
    }
    let fill = width - length;
    if spec.left {
        return body + &" ".repeat(fill);
    }
    if spec.zero && zero_allowed {
        let sign_len = usize::from(body.starts_with(['-', '+', ' ']));
        let rest = &body[sign_len..];
        let hex_len = if rest.starts_with("0x") || rest.starts_with("0X") {
            2
        } else {
            0
        };
        let (prefix, digits) = body.split_at(sign_len + hex_len);
        return format!("{prefix}{}{digits}", "0".repeat(fill));
    }
    " ".repeat(fill) + &body
}

fn sign(spec: &Spec, negative: bool) -> &'static str {
    if negative {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    }
}

/// `%d %i %o %u %x %X` of an integer.
pub fn integer(spec: &Spec, value: i128) -> String {
    let negative = value < 0 && matches!(spec.conversion, b'd' | b'i');
    let magnitude = if matches!(spec.conversion, b'd' | b'i') {
        value.unsigned_abs()
    } else {
        // Unsigned conversions of negatives wrap as C's 64-bit unsigned long does.
        u128::from(value as i64 as u64)
    };
    let mut digits = match spec.conversion {
        b'o' => format!("{magnitude:o}"),
        b'x' => format!("{magnitude:x}"),
        b'X' => format!("{magnitude:X}"),
        _ => magnitude.to_string(),
    };
    if let Some(precision) = spec.precision {
        if precision == 0 && magnitude == 0 {
            digits.clear();
        } else if digits.len() < precision {
            digits = "0".repeat(precision - digits.len()) + &digits;
        }
    }
    let prefix = match spec.conversion {
        b'o' if spec.alternate && !digits.starts_with('0') => "0",
        b'x' if spec.alternate && magnitude != 0 => "0x",
        b'X' if spec.alternate && magnitude != 0 => "0X",
        _ => "",
    };
    let signed = if matches!(spec.conversion, b'd' | b'i') {
        sign(spec, negative)
    } else {
        ""
    };
    pad(
        spec,
        format!("{signed}{prefix}{digits}"),
        spec.precision.is_none(),
    )
}

/// `%f %F %e %E %g %G %a %A` of a floating-point number.
pub fn float(spec: &Spec, value: f64) -> String {
    let upper = spec.conversion.is_ascii_uppercase();
    // C prints the sign of -0.0 too.
    let negative = value.is_sign_negative();
    let magnitude = value.abs();
    let body = if !magnitude.is_finite() {
        let text = if magnitude.is_nan() { "nan" } else { "inf" };
        return pad(
            spec,
            format!(
                "{}{}",
                sign(spec, negative && !magnitude.is_nan()),
                cased(text, upper)
            ),
            false,
        );
    } else {
        let precision = spec.precision.unwrap_or(6);
        match spec.conversion.to_ascii_lowercase() {
            b'f' => fixed(magnitude, precision, spec.alternate),
            b'e' => exponent(magnitude, precision, spec.alternate),
            b'a' => exponent(magnitude, spec.precision.unwrap_or(13), spec.alternate),
            _ => general(magnitude, precision, spec.alternate),
        }
    };
    pad(
        spec,
        format!("{}{}", sign(spec, negative), cased(&body, upper)),
        true,
    )
}

fn cased(text: &str, upper: bool) -> String {
    if upper {
        text.to_ascii_uppercase()
    } else {
        text.to_string()
    }
}

fn fixed(value: f64, precision: usize, alternate: bool) -> String {
    let text = format!("{value:.precision$}");
    if alternate && precision == 0 {
        text + "."
    } else {
        text
    }
}

fn exponent(value: f64, precision: usize, alternate: bool) -> String {
    let text = format!("{value:.precision$e}");
    let (mantissa, power) = text.split_once('e').unwrap_or((&text, "0"));
    let power: i32 = power.parse().unwrap_or(0);
    let point = if alternate && precision == 0 { "." } else { "" };
    format!(
        "{mantissa}{point}e{}{:02}",
        if power < 0 { '-' } else { '+' },
        power.abs()
    )
}

fn general(value: f64, precision: usize, alternate: bool) -> String {
    let precision = precision.max(1);
    let as_exponent = format!("{value:.prec$e}", prec = precision - 1);
    let power: i64 = as_exponent
        .split_once('e')
        .and_then(|(_, p)| p.parse().ok())
        .unwrap_or(0);
    let text = if power < -4 || power >= precision as i64 {
        exponent(value, precision - 1, alternate)
    } else {
        fixed(value, (precision as i64 - 1 - power) as usize, alternate)
    };
    if alternate {
        return text;
    }
    match text.split_once('e') {
        Some((mantissa, power)) => format!("{}e{power}", trim_zeros(mantissa)),
        None => trim_zeros(&text).to_string(),
    }
}

fn trim_zeros(text: &str) -> &str {
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        text
    }
}

/// `%s` and `%c` of text (precision cuts it).
pub fn text(spec: &Spec, value: &str) -> String {
    let cut: String = match spec.precision {
        Some(precision) => value.chars().take(precision).collect(),
        None => value.to_string(),
    };
    pad(spec, cut, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(format: &str) -> Spec {
        parse(format.as_bytes()).unwrap().written_spec()
    }

    #[test]
    fn formats_like_c() {
        assert_eq!(integer(&spec("05d"), -42), "-0042");
        assert_eq!(integer(&spec("#x"), 255), "0xff");
        assert_eq!(integer(&spec("-4d|"), 7), "7   ");
        assert_eq!(float(&spec(".2f"), 1.23456), "1.23");
        assert_eq!(float(&spec("e"), 12345.678), "1.234568e+04");
        assert_eq!(float(&spec("g"), 0.0001), "0.0001");
        assert_eq!(float(&spec("g"), 1e20), "1e+20");
        assert_eq!(float(&spec("g"), 100000.0), "100000");
        assert_eq!(float(&spec("g"), 1234567.0), "1.23457e+06");
        assert_eq!(float(&spec("08.3f"), -1.5), "-001.500");
        assert_eq!(text(&spec("-5s"), "ab"), "ab   ");
        assert_eq!(text(&spec(".1s"), "xyz"), "x");
    }
}
