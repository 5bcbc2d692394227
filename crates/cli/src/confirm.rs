//! Confirmation before a destructive action: asked on the terminal, or given beforehand
//! with `--yes`. Without a terminal and without `--yes`, the action is refused.

use std::io::Read;

use crate::context::Ctx;
use crate::errors::CliError;

/// Asks "`action`? [y/N]" unless `--yes` was given; anything but yes refuses.
pub(crate) fn confirm(ctx: &mut Ctx<'_>, action: &str) -> Result<(), CliError> {
    if ctx.yes {
        return Ok(());
    }
    if !ctx.interactive {
        return Err(CliError::input(
            "confirmation_needed",
            format!(
                "nothing was done: \"{action}\" must be confirmed and standard input is not \
                 a terminal; add --yes to confirm it on the command line"
            ),
        ));
    }
    write!(ctx.err, "{action}? [y/N] ")?;
    ctx.err.flush()?;
    let answer = read_line(ctx.input)
        .map_err(|e| CliError::failure("io", format!("cannot read the answer: {e}")))?;
    if is_yes(&answer) {
        Ok(())
    } else {
        Err(CliError::input(
            "not_confirmed",
            format!("nothing was done: \"{action}\" was not confirmed"),
        ))
    }
}

fn is_yes(answer: &str) -> bool {
    matches!(
        answer.trim().to_lowercase().as_str(),
        "y" | "yes" | "o" | "oui"
    )
}

/// One line, read a byte at a time so that nothing after it is consumed.
fn read_line(input: &mut dyn Read) -> std::io::Result<String> {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    loop {
        match input.read(&mut byte)? {
            0 => break,
            _ if byte[0] == b'\n' => break,
            _ => line.push(byte[0]),
        }
    }
    Ok(String::from_utf8_lossy(&line).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_yes_confirms() {
        for yes in ["y", "Y", "yes", " oui \r"] {
            assert!(is_yes(yes), "{yes:?}");
        }
        for no in ["", "n", "no", "yess"] {
            assert!(!is_yes(no), "{no:?}");
        }
        let mut input: &[u8] = b"y\nrest";
        assert_eq!(read_line(&mut input).unwrap(), "y");
        assert_eq!(input, b"rest");
    }
}
