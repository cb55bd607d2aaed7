//! bc's math library (`-l`): s(x), c(x), a(x), l(x), e(x), j(n,x), computed here in fixed point
//! with guard digits and truncated to the scale, as GNU bc's library truncates. Written for
//! zonebox (series with argument reduction), not a copy of GNU's library.

use super::number::{Arith, ArithError, MAX_DIGITS, Number, power_of_ten};
use num_bigint::BigInt;
use num_integer::Integer;
use num_traits::{One, Signed, ToPrimitive, Zero};

/// Digits computed beyond the scale.
const GUARD: usize = 12;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Function {
    Sine,
    Cosine,
    Arctangent,
    Logarithm,
    Exponential,
    Bessel,
}

pub fn find(name: &str) -> Option<Function> {
    Some(match name {
        "s" => Function::Sine,
        "c" => Function::Cosine,
        "a" => Function::Arctangent,
        "l" => Function::Logarithm,
        "e" => Function::Exponential,
        "j" => Function::Bessel,
        _ => return None,
    })
}

impl Function {
    /// The parameters' names, as messages name them.
    pub fn parameters(self) -> &'static [&'static str] {
        match self {
            Function::Bessel => &["n", "x"],
            _ => &["x"],
        }
    }

    pub fn apply(self, arguments: &[Number], scale: usize) -> Arith<Number> {
        match (self, arguments) {
            (Function::Sine, [x]) => sine(x, scale, false),
            (Function::Cosine, [x]) => sine(x, scale, true),
            (Function::Arctangent, [x]) => arctangent(x, scale),
            (Function::Logarithm, [x]) => logarithm(x, scale),
            (Function::Exponential, [x]) => exponential(x, scale),
            (Function::Bessel, [n, x]) => bessel(n, x, scale),
            _ => Ok(Number::zero()),
        }
    }
}

/// Reals as integers over `10^digits`.
struct Fixed {
    digits: usize,
    one: BigInt,
}

impl Fixed {
    fn new(digits: usize) -> Arith<Fixed> {
        Ok(Fixed {
            digits,
            one: power_of_ten(digits)?,
        })
    }

    fn of(&self, n: &Number) -> Arith<BigInt> {
        Ok(n.with_scale(self.digits)?.value().clone())
    }

    fn mul(&self, a: &BigInt, b: &BigInt) -> BigInt {
        a * b / &self.one
    }

    fn div(&self, a: &BigInt, b: &BigInt) -> BigInt {
        a * &self.one / b
    }

    /// The value truncated to `scale` digits. The guard digits hold the error; a result that
    /// is exactly on a digit (c(0) = 1) is nudged past it first, so it is not truncated to
    /// .999….
    fn result(&self, value: BigInt, scale: usize) -> Arith<Number> {
        let nudge = power_of_ten(self.digits.saturating_sub(scale + GUARD / 2))?;
        let nudged = match value.sign() {
            num_bigint::Sign::Minus => value - nudge,
            num_bigint::Sign::Plus => value + nudge,
            num_bigint::Sign::NoSign => value,
        };
        Number::from_parts(nudged, self.digits).with_scale(scale)
    }

    /// atan(x) for 0 <= x <= 1: two halvings of the angle (x / (1 + sqrt(1 + x²))), then the
    /// series.
    fn arctangent_unit(&self, x: &BigInt) -> BigInt {
        let mut x = x.clone();
        let one_squared = &self.one * &self.one;
        for _ in 0..2 {
            let root = (&one_squared + &x * &x).sqrt();
            x = self.div(&x, &(&self.one + root));
        }
        let square = self.mul(&x, &x);
        let mut sum = x.clone();
        let mut power = x;
        let mut n = 3u64;
        let mut subtract = true;
        loop {
            power = self.mul(&power, &square);
            let term = &power / n;
            if term.is_zero() {
                break;
            }
            if subtract {
                sum -= term;
            } else {
                sum += term;
            }
            subtract = !subtract;
            n += 2;
        }
        sum * 4
    }

    fn pi(&self) -> BigInt {
        self.arctangent_unit(&self.one) * 4
    }

    /// atanh(z) for small z, by its series.
    fn artanh(&self, z: &BigInt) -> BigInt {
        let square = self.mul(z, z);
        let mut sum = z.clone();
        let mut power = z.clone();
        let mut n = 3u64;
        loop {
            power = self.mul(&power, &square);
            let term = &power / n;
            if term.is_zero() {
                return sum;
            }
            sum += term;
            n += 2;
        }
    }
}

fn integer_digits(x: &Number) -> usize {
    let integer = x.truncated().abs();
    if integer.is_zero() {
        0
    } else {
        integer.to_string().len()
    }
}

/// s(x), or c(x) = s(x + π/2).
fn sine(x: &Number, scale: usize, cosine: bool) -> Arith<Number> {
    let fixed = Fixed::new(scale + GUARD + integer_digits(x))?;
    let pi = fixed.pi();
    let mut angle = fixed.of(x)?;
    if cosine {
        angle += &pi / 2;
    }
    let turn = &pi * 2;
    let turns = (&angle + &pi).div_floor(&turn);
    angle -= turns * &turn;
    let square = fixed.mul(&angle, &angle);
    let mut sum = angle.clone();
    let mut term = angle;
    let mut n = 1u64;
    loop {
        term = -fixed.mul(&term, &square) / ((n + 1) * (n + 2));
        if term.is_zero() {
            break;
        }
        sum += &term;
        n += 2;
    }
    fixed.result(sum, scale)
}

fn arctangent(x: &Number, scale: usize) -> Arith<Number> {
    let fixed = Fixed::new(scale + GUARD)?;
    let magnitude = fixed.of(x)?.abs();
    let angle = if magnitude > fixed.one {
        let inverse = fixed.div(&fixed.one, &magnitude);
        fixed.pi() / 2 - fixed.arctangent_unit(&inverse)
    } else {
        fixed.arctangent_unit(&magnitude)
    };
    fixed.result(if x.is_negative() { -angle } else { angle }, scale)
}

/// l(x): x = m · 2^k with 1 <= m < 2, ln m = 2 atanh((m-1)/(m+1)), ln 2 = 2 atanh(1/3). For
/// x <= 0, GNU bc's answer: 1 - 10^scale.
fn logarithm(x: &Number, scale: usize) -> Arith<Number> {
    if !x.is_negative() && !x.is_zero() {
        let estimate = x.value().bits() as f64 - 1.0 - x.scale() as f64 * std::f64::consts::LOG2_10;
        let mut k = estimate.round() as i64;
        let fixed = Fixed::new(scale + GUARD + k.unsigned_abs().to_string().len())?;
        let ten_scale = power_of_ten(x.scale())?;
        let shift = usize::try_from(k.unsigned_abs()).map_err(|_| ArithError::TooLong)?;
        let two_power = BigInt::one() << shift;
        let mut m = if k >= 0 {
            x.value() * &fixed.one / (ten_scale * two_power)
        } else {
            x.value() * &fixed.one * two_power / ten_scale
        };
        let two = &fixed.one * 2;
        while m >= two {
            m /= 2;
            k += 1;
        }
        while m < fixed.one {
            m *= 2;
            k -= 1;
        }
        let z = fixed.div(&(&m - &fixed.one), &(&m + &fixed.one));
        let ln_m = fixed.artanh(&z) * 2;
        let ln_2 = fixed.artanh(&(&fixed.one / 3)) * 2;
        return fixed.result(ln_m + ln_2 * k, scale);
    }
    let ten = power_of_ten(scale)?;
    Number::from_parts(BigInt::one() - ten, 0).with_scale(scale)
}

/// e(x): halve x until it is small, sum the series, square back; e(-x) = 1/e(x).
fn exponential(x: &Number, scale: usize) -> Arith<Number> {
    let magnitude = x.truncated().abs();
    let whole = magnitude.to_u64().unwrap_or(u64::MAX);
    // e^x has about 0.4343·x integer digits.
    let digits = (whole as f64 * std::f64::consts::LOG10_E).ceil() as u64 + 1;
    if x.is_negative() && digits > scale as u64 + 1 {
        return Number::zero().with_scale(scale);
    }
    if digits > MAX_DIGITS as u64 {
        return Err(ArithError::TooLong);
    }
    let halvings = magnitude.bits() as usize + 4;
    let fixed = Fixed::new(scale + GUARD + digits as usize + halvings)?;
    let reduced = (fixed.of(x)?.abs()) >> halvings;
    let mut sum = fixed.one.clone();
    let mut term = fixed.one.clone();
    let mut n = 1u64;
    loop {
        term = fixed.mul(&term, &reduced) / n;
        if term.is_zero() {
            break;
        }
        sum += &term;
        n += 1;
    }
    for _ in 0..halvings {
        sum = fixed.mul(&sum, &sum);
    }
    if x.is_negative() {
        sum = fixed.div(&fixed.one, &sum);
    }
    fixed.result(sum, scale)
}

/// j(n, x): the Bessel function of the first kind of integer order n (a fraction in n is
/// dropped), by its series; j(-n, x) = (-1)^n j(n, x).
fn bessel(order: &Number, x: &Number, scale: usize) -> Arith<Number> {
    let order = order.truncated();
    let n = order
        .abs()
        .to_u64()
        .filter(|n| *n <= 100_000)
        .ok_or(ArithError::TooLong)?;
    let half = x.truncated().abs().to_u64().unwrap_or(u64::MAX) / 2;
    // The terms grow to about e^|x| before they shrink: that many digits more are kept.
    let growth =
        (x.truncated().abs().to_f64().unwrap_or(f64::MAX) * std::f64::consts::LOG10_E).ceil();
    if growth > MAX_DIGITS as f64 {
        return Err(ArithError::TooLong);
    }
    let fixed = Fixed::new(scale + GUARD + growth as usize)?;
    let h = fixed.of(x)? / 2;
    let square = fixed.mul(&h, &h);
    let mut term = fixed.one.clone();
    for i in 1..=n {
        term = fixed.mul(&term, &h) / i;
    }
    let mut sum = term.clone();
    let mut k = 1u64;
    loop {
        term = -fixed.mul(&term, &square) / (k * (k + n));
        if term.is_zero() && k > half {
            break;
        }
        sum += &term;
        k += 1;
    }
    if order.is_negative() && n.is_odd() {
        sum = -sum;
    }
    fixed.result(sum, scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(name: &str, args: &[&str], scale: usize) -> String {
        let numbers: Vec<Number> = args
            .iter()
            .map(|a| {
                let (negative, digits) = match a.strip_prefix('-') {
                    Some(rest) => (true, rest),
                    None => (false, *a),
                };
                let n = Number::parse_literal(digits, 10).unwrap();
                if negative { n.negated() } else { n }
            })
            .collect();
        find(name)
            .unwrap()
            .apply(&numbers, scale)
            .unwrap()
            .format(10)
    }

    /// Each value as GNU bc 1.07.1 prints it with -l.
    #[test]
    fn agrees_with_gnu_bc() {
        assert_eq!(call("s", &["1"], 20), ".84147098480789650665");
        assert_eq!(call("c", &["1"], 20), ".54030230586813971740");
        assert_eq!(call("a", &["1"], 20), ".78539816339744830961");
        assert_eq!(call("l", &["2"], 20), ".69314718055994530941");
        assert_eq!(call("e", &["1"], 20), "2.71828182845904523536");
        assert_eq!(call("j", &["2", "3"], 20), ".48609126058589107690");
        assert_eq!(call("j", &["-3", "2"], 20), "-.12894324947440205109");
        assert_eq!(call("e", &["-1"], 20), ".36787944117144232159");
        assert_eq!(call("e", &["10"], 20), "22026.46579480671651695790");
        assert_eq!(call("s", &["100"], 20), "-.50636564110975879365");
        assert_eq!(call("l", &["1000000"], 20), "13.81551055796427410410");
        assert_eq!(call("c", &["0"], 20), "1.00000000000000000000");
        assert_eq!(call("s", &["0"], 20), "0");
        assert_eq!(call("l", &["1"], 20), "0");
        assert_eq!(call("l", &["0"], 5), "-99999.00000");
        assert_eq!(
            call("e", &["1"], 50),
            "2.71828182845904523536028747135266249775724709369995"
        );
    }
}
