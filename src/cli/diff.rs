//! `tsdsl diff`: what a build would change, printed, nothing written.
//! Against the output folder by default, or against the same scripts at a
//! git revision (`--git main`). Exit 0 when nothing changes, 3 when
//! something does, so that CI can tell.

use super::stdout;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use crate::diagnostics::Error;
use crate::diff::{self, Format, GitTree, StackChanges, Style};
use crate::emit::OutFile;
use crate::pipeline::{build, default_out_dir, load_schemas, BuildOptions, OutputFormat};

use super::args::{ColorArg, DiffArgs, DiffFormatArg};
use super::config::{account_source, build_options, render_options};
use super::report;

/// True when something changes.
pub fn diff(args: &DiffArgs) -> Result<bool, Error> {
    let target = &args.common.script;
    let folder = target.is_dir();
    let git = match &args.git {
        Some(rev) => Some(diff::read_revision(target, rev)?),
        None => None,
    };
    let scripts = scripts(target, folder, git.as_ref())?;
    let schemas = load_schemas(&args.common.schemas)?;
    let mut stacks = Vec::new();
    for script in &scripts {
        let dir = match (&args.out, folder) {
            (Some(out), false) => out.clone(),
            (Some(out), true) => out.join(stem(script)),
            (None, _) => default_out_dir(script),
        };
        // Compare like with like: JSON output is rebuilt as JSON.
        let on_disk = match &git {
            Some(_) => Vec::new(),
            None => crate::output::generated_names(&dir),
        };
        let json = !on_disk.is_empty() && on_disk.iter().all(|n| n.ends_with(".tf.json"));
        // Offline, as `check` is: a diff needs no credentials (unless `--account-id`).
        let mut opts = build_options(&args.common, None, account_source(&args.common, false)?);
        opts.out_dir = Some(dir.clone());
        opts.format = if json { OutputFormat::Json } else { OutputFormat::Hcl };
        let mut secrets = Vec::new();
        let new = if script.exists() {
            files_of(script, &opts, args, None, &mut secrets)?
        } else {
            Vec::new()
        };
        let mut old = match &git {
            // What `run` would replace: the files this script generated
            // there; another script's files there are refused, as `run`
            // refuses them, not compared with.
            None => crate::output::generated_by(&dir, script, &new)?
                .into_iter()
                .map(|(name, contents)| OutFile { name, contents })
                .collect(),
            Some(tree) => {
                let then = tree.at_rev(script)?;
                if then.exists() {
                    files_of(&then, &opts, args, Some(tree), &mut secrets)?
                } else {
                    Vec::new()
                }
            }
        };
        if folder && old.is_empty() && new.is_empty() {
            continue; // a module of the folder, not a stack
        }
        if git.is_some() {
            diff::same_markers(&mut old, &new);
        }
        let mut changes = diff::stack_changes(&stem(script), &old, &new, &schemas, true)
            .map_err(|e| Error::Usage(format!("cannot compare with `{}`: {e}", dir.display())))?;
        changes.hide_secrets(secrets.iter().map(String::as_str));
        stacks.push(changes);
    }
    stdout::print(&diff::render(&stacks, style(args)));
    Ok(stacks.iter().any(|s: &StackChanges| !s.is_empty()))
}

/// The script, or every top-level script of the folder (now, and at the
/// revision, so that a stack deleted since shows as removed).
fn scripts(target: &Path, folder: bool, git: Option<&GitTree>) -> Result<Vec<PathBuf>, Error> {
    if !folder {
        if !target.exists() {
            return Err(Error::io(target, "read", std::io::ErrorKind::NotFound.into()));
        }
        return Ok(vec![target.to_path_buf()]);
    }
    // The stacks `watch` and `run` see: not the hidden files, not the
    // modules the folder's scripts import (now, or at the revision).
    let mut names = stack_names(target)?;
    if let Some(tree) = git {
        let then = tree.at_rev(target)?;
        if then.is_dir() {
            names.extend(stack_names(&then)?);
        }
    }
    names.sort();
    names.dedup();
    Ok(names.into_iter().map(|n| target.join(n)).collect())
}

fn stack_names(dir: &Path) -> Result<Vec<String>, Error> {
    let found = crate::pipeline::folder_scripts(dir)?;
    Ok(found
        .stacks
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect())
}

fn files_of(
    script: &Path,
    opts: &BuildOptions,
    args: &DiffArgs,
    git: Option<&GitTree>,
    secrets: &mut Vec<String>,
) -> Result<Vec<OutFile>, Error> {
    match build(script, opts) {
        Ok(built) => {
            secrets.extend(built.stack.accepted_secrets.iter().map(|s| s.value.clone()));
            if git.is_none() {
                report::warnings(&built.diagnostics, &built.sources, render_options(&args.common));
            }
            Ok(built.files)
        }
        // The revision's files are named `REV:path`, not by the temporary
        // folder they were read from (gone once the diff ends).
        Err(failure) => match (git, failure.error) {
            (Some(tree), Error::Script { diagnostics, sources }) => {
                let from = format!("{}/", tree.folder().display());
                let to = format!("{}:", tree.rev);
                let note = format!("in the scripts at `{}`", tree.rev);
                let diagnostics = diagnostics
                    .into_iter()
                    .map(|d| d.renamed(&from, &to).note(note.clone()))
                    .collect();
                Err(Error::Script { diagnostics, sources: sources.renamed(&from, &to) })
            }
            (_, e) => Err(e),
        },
    }
}

fn stem(script: &Path) -> String {
    script.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default()
}

fn style(args: &DiffArgs) -> Style {
    let format = match args.format {
        DiffFormatArg::Text => Format::Text,
        DiffFormatArg::Json => Format::Json,
        DiffFormatArg::Markdown => Format::Markdown,
    };
    let color = match args.common.color {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
    };
    Style { format, color: color && format == Format::Text, compact: false }
}
