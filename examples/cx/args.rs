//! A tiny argument parser for the `cx` example: positionals, `--flag VALUE`
//! (or `--flag=VALUE`) for declared value flags, and bare boolean flags.

use std::collections::BTreeMap;

/// Parsed command-line arguments of one command.
#[derive(Debug, Default)]
pub struct Args {
    /// Positional arguments in order.
    pub positionals: Vec<String>,
    values: BTreeMap<String, String>,
    repeated: BTreeMap<String, Vec<String>>,
    switches: Vec<String>,
}

#[allow(dead_code)] // some helpers serve only some commands
impl Args {
    /// Parses `argv` (without the command name). `value_flags` take a value,
    /// `bool_flags` do not; anything else starting with `--` is a usage error.
    pub fn parse(
        argv: &[String],
        value_flags: &[&str],
        bool_flags: &[&str],
    ) -> Result<Args, String> {
        Args::parse_repeatable(argv, value_flags, bool_flags, &[])
    }

    /// [`Args::parse`], with `repeatable` value flags that may be given
    /// several times (`--table a=x --table b=y`), read by [`Args::values`].
    pub fn parse_repeatable(
        argv: &[String],
        value_flags: &[&str],
        bool_flags: &[&str],
        repeatable: &[&str],
    ) -> Result<Args, String> {
        let mut args = Args::default();
        let mut i = 0;
        while i < argv.len() {
            let a = &argv[i];
            if let Some(flag) = a.strip_prefix("--") {
                let (name, inline) = match flag.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (flag, None),
                };
                if value_flags.contains(&name) || repeatable.contains(&name) {
                    let v = match inline {
                        Some(v) => v,
                        None => {
                            i += 1;
                            argv.get(i)
                                .cloned()
                                .ok_or_else(|| format!("--{name} needs a value"))?
                        }
                    };
                    if repeatable.contains(&name) {
                        args.repeated.entry(name.to_string()).or_default().push(v);
                    } else if args.values.insert(name.to_string(), v).is_some() {
                        return Err(format!("--{name} given twice"));
                    }
                } else if bool_flags.contains(&name) && inline.is_none() {
                    args.switches.push(name.to_string());
                } else {
                    return Err(format!("unknown option --{name}"));
                }
            } else {
                args.positionals.push(a.clone());
            }
            i += 1;
        }
        Ok(args)
    }

    /// The value of a value flag.
    pub fn value(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// The value of a required value flag.
    pub fn required(&self, name: &str) -> Result<&str, String> {
        self.value(name)
            .ok_or_else(|| format!("--{name} is required"))
    }

    /// Every value of a repeatable flag, in order.
    pub fn values(&self, name: &str) -> &[String] {
        self.repeated.get(name).map_or(&[], Vec::as_slice)
    }

    /// Whether a boolean flag was given.
    pub fn flag(&self, name: &str) -> bool {
        self.switches.iter().any(|s| s == name)
    }
}
