//! The shell's options by name — `set -o NAME`/`set -X` and `shopt NAME` — with bash's
//! defaults for a `bash -c` shell, and how `set -o`, `set +o`, `shopt`, `shopt -p`,
//! `shopt -q` list and query them. An option either changes what the interpreter does
//! (errexit, nounset, nullglob, …), means nothing without a terminal (emacs, histappend, …),
//! or is refused when it is turned away from its default: the shell never pretends to honour
//! an option it does not.

use super::state::Options;

/// Which builtin names an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// `set -o NAME`, `shopt -o NAME`.
    Set,
    /// `shopt NAME`.
    Shopt,
}

/// What the shell does with an option.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Effect {
    /// The interpreter honours it (a field of [`Options`], or, for `globskipdots` and
    /// `xpg_echo`, read by name with [`Options::get`]).
    Honoured,
    /// It only matters to an interactive shell or to messages: kept and listed.
    Inert,
    /// Not honoured: it can be listed and queried, and set only to its default.
    Fixed,
}

struct Spec {
    name: &'static str,
    family: Family,
    default: bool,
    effect: Effect,
}

const fn spec(name: &'static str, family: Family, default: bool, effect: Effect) -> Spec {
    Spec {
        name,
        family,
        default,
        effect,
    }
}

use Effect::{Fixed, Honoured, Inert};
use Family::{Set, Shopt};

/// Every option bash 5.2 has, in its listing order (`set -o` and `shopt` each sort by name).
const SPECS: &[Spec] = &[
    spec("allexport", Set, false, Honoured),
    spec("braceexpand", Set, true, Fixed),
    spec("emacs", Set, false, Inert),
    spec("errexit", Set, false, Honoured),
    spec("errtrace", Set, false, Honoured),
    spec("functrace", Set, false, Honoured),
    spec("hashall", Set, true, Inert),
    spec("histexpand", Set, false, Inert),
    spec("history", Set, false, Inert),
    spec("ignoreeof", Set, false, Inert),
    spec("interactive-comments", Set, true, Fixed),
    spec("keyword", Set, false, Fixed),
    spec("monitor", Set, false, Inert),
    spec("noclobber", Set, false, Honoured),
    spec("noexec", Set, false, Honoured),
    spec("noglob", Set, false, Honoured),
    spec("nolog", Set, false, Inert),
    spec("notify", Set, false, Inert),
    spec("nounset", Set, false, Honoured),
    spec("onecmd", Set, false, Fixed),
    spec("physical", Set, false, Inert),
    spec("pipefail", Set, false, Honoured),
    spec("posix", Set, false, Fixed),
    spec("privileged", Set, false, Inert),
    spec("verbose", Set, false, Inert),
    spec("vi", Set, false, Inert),
    spec("xtrace", Set, false, Honoured),
    spec("autocd", Shopt, false, Inert),
    spec("assoc_expand_once", Shopt, false, Fixed),
    spec("cdable_vars", Shopt, false, Honoured),
    spec("cdspell", Shopt, false, Inert),
    spec("checkhash", Shopt, false, Inert),
    spec("checkjobs", Shopt, false, Inert),
    spec("checkwinsize", Shopt, true, Inert),
    spec("cmdhist", Shopt, true, Inert),
    spec("compat31", Shopt, false, Fixed),
    spec("compat32", Shopt, false, Fixed),
    spec("compat40", Shopt, false, Fixed),
    spec("compat41", Shopt, false, Fixed),
    spec("compat42", Shopt, false, Fixed),
    spec("compat43", Shopt, false, Fixed),
    spec("compat44", Shopt, false, Fixed),
    spec("complete_fullquote", Shopt, true, Inert),
    spec("direxpand", Shopt, false, Inert),
    spec("dirspell", Shopt, false, Inert),
    spec("dotglob", Shopt, false, Honoured),
    spec("execfail", Shopt, false, Fixed),
    spec("expand_aliases", Shopt, false, Honoured),
    spec("extdebug", Shopt, false, Fixed),
    spec("extglob", Shopt, false, Honoured),
    spec("extquote", Shopt, true, Fixed),
    spec("failglob", Shopt, false, Honoured),
    spec("force_fignore", Shopt, true, Inert),
    spec("globasciiranges", Shopt, true, Fixed),
    spec("globskipdots", Shopt, true, Honoured),
    spec("globstar", Shopt, false, Honoured),
    spec("gnu_errfmt", Shopt, false, Inert),
    spec("histappend", Shopt, false, Inert),
    spec("histreedit", Shopt, false, Inert),
    spec("histverify", Shopt, false, Inert),
    spec("hostcomplete", Shopt, true, Inert),
    spec("huponexit", Shopt, false, Inert),
    spec("inherit_errexit", Shopt, false, Fixed),
    spec("interactive_comments", Shopt, true, Fixed),
    spec("lastpipe", Shopt, false, Honoured),
    spec("lithist", Shopt, false, Inert),
    spec("localvar_inherit", Shopt, false, Fixed),
    spec("localvar_unset", Shopt, false, Fixed),
    spec("login_shell", Shopt, false, Fixed),
    spec("mailwarn", Shopt, false, Inert),
    spec("no_empty_cmd_completion", Shopt, false, Inert),
    spec("nocaseglob", Shopt, false, Honoured),
    spec("nocasematch", Shopt, false, Fixed),
    spec("noexpand_translation", Shopt, false, Inert),
    spec("nullglob", Shopt, false, Honoured),
    spec("patsub_replacement", Shopt, true, Fixed),
    spec("progcomp", Shopt, true, Inert),
    spec("progcomp_alias", Shopt, false, Inert),
    spec("promptvars", Shopt, true, Inert),
    spec("restricted_shell", Shopt, false, Fixed),
    spec("shift_verbose", Shopt, false, Inert),
    spec("sourcepath", Shopt, true, Fixed),
    spec("varredir_close", Shopt, false, Fixed),
    spec("xpg_echo", Shopt, false, Honoured),
];

fn find(family: Family, name: &str) -> Option<(usize, &'static Spec)> {
    SPECS
        .iter()
        .enumerate()
        .find(|(_, s)| s.family == family && s.name == name)
}

/// `set -X`'s letter for an option.
pub(crate) fn letter_option(letter: char) -> Option<&'static str> {
    Some(match letter {
        'a' => "allexport",
        'B' => "braceexpand",
        'e' => "errexit",
        'E' => "errtrace",
        'f' => "noglob",
        'h' => "hashall",
        'H' => "histexpand",
        'k' => "keyword",
        'm' => "monitor",
        'n' => "noexec",
        'b' => "notify",
        'P' => "physical",
        'p' => "privileged",
        't' => "onecmd",
        'T' => "functrace",
        'u' => "nounset",
        'v' => "verbose",
        'x' => "xtrace",
        'C' => "noclobber",
        _ => return None,
    })
}

/// Why an option could not be set.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum OptionError {
    Unknown,
    NotHonoured,
}

impl Options {
    /// Whether an honoured option is on (`None` for the others, which are in `self.inert`).
    fn field(&mut self, name: &str) -> Option<&mut bool> {
        Some(match name {
            "allexport" => &mut self.allexport,
            "errexit" => &mut self.errexit,
            "errtrace" => &mut self.errtrace,
            "functrace" => &mut self.functrace,
            "noclobber" => &mut self.noclobber,
            "noexec" => &mut self.noexec,
            "noglob" => &mut self.noglob,
            "nounset" => &mut self.nounset,
            "pipefail" => &mut self.pipefail,
            "xtrace" => &mut self.xtrace,
            "cdable_vars" => &mut self.cdable_vars,
            "dotglob" => &mut self.dotglob,
            "expand_aliases" => &mut self.expand_aliases,
            "extglob" => &mut self.extglob,
            "failglob" => &mut self.failglob,
            "globstar" => &mut self.globstar,
            "nocaseglob" => &mut self.nocaseglob,
            "lastpipe" => &mut self.lastpipe,
            "nullglob" => &mut self.nullglob,
            _ => return None,
        })
    }

    fn value_at(&self, index: usize) -> bool {
        let spec = &SPECS[index];
        let mut copy = *self;
        match copy.field(spec.name) {
            Some(on) => *on,
            None => spec.default != (self.flipped & (1u128 << index) != 0),
        }
    }

    /// An option's value; `None` when `family` has no such option.
    pub(crate) fn get(&self, family: Family, name: &str) -> Option<bool> {
        find(family, name).map(|(index, _)| self.value_at(index))
    }

    /// Sets an option by name.
    pub(crate) fn set(&mut self, family: Family, name: &str, on: bool) -> Result<(), OptionError> {
        let (index, spec) = find(family, name).ok_or(OptionError::Unknown)?;
        if let Some(field) = self.field(name) {
            *field = on;
            return Ok(());
        }
        if spec.effect == Effect::Fixed && on != spec.default {
            return Err(OptionError::NotHonoured);
        }
        // Editing modes exclude each other.
        let other = match name {
            "emacs" if on => Some("vi"),
            "vi" if on => Some("emacs"),
            _ => None,
        };
        if let Some(other) = other {
            self.set(family, other, false)?;
        }
        if on == spec.default {
            self.flipped &= !(1u128 << index);
        } else {
            self.flipped |= 1u128 << index;
        }
        Ok(())
    }

    /// The options of a family, in listing order, with their values.
    pub(crate) fn listed(&self, family: Family) -> Vec<(&'static str, bool)> {
        let mut listed: Vec<(&'static str, bool)> = SPECS
            .iter()
            .enumerate()
            .filter(|(_, s)| s.family == family)
            .map(|(index, s)| (s.name, self.value_at(index)))
            .collect();
        listed.sort();
        listed
    }
}

/// `set -o`'s and `shopt`'s line for an option (`name<TAB>on`, the name padded to 15).
pub(crate) fn report_line(name: &str, on: bool) -> String {
    format!("{name:<15}\t{}\n", if on { "on" } else { "off" })
}

/// `set +o`'s and `shopt -p`'s line: the command that sets the option as it is.
pub(crate) fn command_line(family: Family, name: &str, on: bool) -> String {
    match (family, on) {
        (Family::Set, true) => format!("set -o {name}\n"),
        (Family::Set, false) => format!("set +o {name}\n"),
        (Family::Shopt, true) => format!("shopt -s {name}\n"),
        (Family::Shopt, false) => format!("shopt -u {name}\n"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_keep_bash_defaults_and_refuse_what_is_not_honoured() {
        let mut options = Options::default();
        assert_eq!(options.get(Family::Shopt, "checkwinsize"), Some(true));
        assert_eq!(options.get(Family::Set, "braceexpand"), Some(true));
        assert_eq!(options.get(Family::Shopt, "nope"), None);
        options.set(Family::Shopt, "autocd", true).unwrap();
        assert_eq!(options.get(Family::Shopt, "autocd"), Some(true));
        assert_eq!(
            options.set(Family::Shopt, "compat31", true),
            Err(OptionError::NotHonoured)
        );
        options.set(Family::Shopt, "xpg_echo", true).unwrap();
        assert_eq!(options.get(Family::Shopt, "xpg_echo"), Some(true));
        options.set(Family::Set, "errexit", true).unwrap();
        assert!(options.errexit);
        let names: Vec<&str> = options
            .listed(Family::Set)
            .iter()
            .map(|(n, _)| *n)
            .collect();
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }
}
