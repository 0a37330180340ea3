//! The configuration reference (`docs/configuration.md`), written from the command's own
//! definitions so it cannot drift from them: `mir config-reference > docs/configuration.md`.
//! A test fails if the file in the repository differs from what this prints.

use clap::{Arg, ArgAction, Command, CommandFactory};

use crate::Cli;

/// The whole reference, as Markdown.
pub(crate) fn markdown() -> String {
    let cli = Cli::command();
    let mut out = String::from(
        "# Configuration reference\n\n\
         Written by `mir config-reference` from the command's own definitions; do not edit by\n\
         hand (a test compares this file with the command). Every setting can be given as a\n\
         flag or, where an environment variable is named, in the environment (the flag wins).\n\
         Values marked *secret* are never printed in logs or in `--help`.\n",
    );
    for command in cli.get_subcommands().filter(|c| !c.is_hide_set()) {
        section(&mut out, &format!("mir {}", command.get_name()), command);
    }
    out
}

fn section(out: &mut String, title: &str, command: &Command) {
    let subcommands: Vec<&Command> = command
        .get_subcommands()
        .filter(|c| !c.is_hide_set())
        .collect();
    if !subcommands.is_empty() {
        for sub in subcommands {
            section(out, &format!("{title} {}", sub.get_name()), sub);
        }
        return;
    }
    out.push_str(&format!("\n## `{title}`\n\n"));
    if let Some(about) = command.get_about() {
        out.push_str(&format!("{about}\n"));
    }
    let args: Vec<&Arg> = command
        .get_arguments()
        .filter(|a| !a.is_hide_set() && a.get_id() != "help" && a.get_id() != "version")
        .collect();
    if args.is_empty() {
        return;
    }
    out.push_str("\n| Setting | Environment | Default | Meaning |\n| --- | --- | --- | --- |\n");
    for arg in args {
        let name = match arg.get_long() {
            Some(long) => match arg.get_action() {
                ArgAction::SetTrue | ArgAction::SetFalse => format!("`--{long}`"),
                _ => format!(
                    "`--{long} {}`",
                    arg.get_value_names()
                        .and_then(|names| names.first())
                        .map_or_else(|| "VALUE".to_owned(), ToString::to_string)
                ),
            },
            None => format!("`{}` (position)", arg.get_id().as_str().to_uppercase()),
        };
        let env = arg.get_env().map_or_else(String::new, |env| {
            let secret = if arg.is_hide_env_values_set() {
                " (secret)"
            } else {
                ""
            };
            format!("`{}`{secret}", env.to_string_lossy())
        });
        let default = arg
            .get_default_values()
            .iter()
            .map(|v| format!("`{}`", v.to_string_lossy()))
            .collect::<Vec<_>>()
            .join(", ");
        let help = arg
            .get_long_help()
            .or_else(|| arg.get_help())
            .map(|h| h.to_string().replace('\n', " ").replace('|', "\\|"))
            .unwrap_or_default();
        out.push_str(&format!("| {name} | {env} | {default} | {help} |\n"));
    }
}
