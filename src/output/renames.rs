//! Renames are never silent: an address the previous output had that is
//! gone, next to a new one of the same type, is most often a rename, and
//! Terraform would destroy the old object and create the new one. We say so
//! and offer the `moved` blocks that turn it into a move.

use std::collections::{BTreeMap, HashSet};
use std::path::Path;

use super::addresses::{Address, Kind};
use crate::diagnostics::{Code, Diagnostic};

/// Above this many candidate pairs of one type, pairing by similarity costs
/// more than it is worth: gone and new addresses are paired in order.
const MAX_SCORED_PAIRS: usize = 250_000;

/// Gone and new addresses of the same type, paired as likely renames. Data
/// sources hold no state and `moved` does not take them: they are skipped.
pub(crate) fn likely(before: &[Address], after: &[Address]) -> Vec<(Address, Address)> {
    let old: HashSet<&Address> = before.iter().collect();
    let new: HashSet<&Address> = after.iter().collect();
    /// Per type: the addresses gone and the ones added.
    type Changes<'a> = (Vec<&'a Address>, Vec<&'a Address>);
    let mut by_type: BTreeMap<(Kind, &str), Changes> = BTreeMap::new();
    for a in before.iter().filter(|a| a.kind != Kind::Data && !new.contains(a)) {
        by_type.entry((a.kind, &a.ty)).or_default().0.push(a);
    }
    for a in after.iter().filter(|a| a.kind != Kind::Data && !old.contains(a)) {
        by_type.entry((a.kind, &a.ty)).or_default().1.push(a);
    }
    let mut pairs = Vec::new();
    for (gone, added) in by_type.into_values() {
        if gone.is_empty() || added.is_empty() {
            continue;
        }
        pairs.extend(pair(&gone, &added).into_iter().map(|(g, a)| (g.clone(), a.clone())));
    }
    pairs
}

/// Greedy matching on name similarity, ties broken by declaration order.
fn pair<'a>(gone: &[&'a Address], added: &[&'a Address]) -> Vec<(&'a Address, &'a Address)> {
    if gone.len().saturating_mul(added.len()) > MAX_SCORED_PAIRS {
        return gone.iter().copied().zip(added.iter().copied()).collect();
    }
    let mut scored = Vec::with_capacity(gone.len() * added.len());
    for (i, g) in gone.iter().enumerate() {
        for (j, a) in added.iter().enumerate() {
            scored.push((strsim::normalized_levenshtein(&g.name, &a.name), i, j));
        }
    }
    scored.sort_by(|x, y| y.0.total_cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    let (mut used_g, mut used_a) = (vec![false; gone.len()], vec![false; added.len()]);
    let mut pairs = Vec::new();
    for (_, i, j) in scored {
        if !used_g[i] && !used_a[j] {
            used_g[i] = true;
            used_a[j] = true;
            pairs.push((i, j));
        }
    }
    pairs.sort_unstable();
    pairs.into_iter().map(|(i, j)| (gone[i], added[j])).collect()
}

/// One warning for the whole run, listing every likely rename, with the
/// `moved` blocks ready to paste.
pub(crate) fn warning(pairs: &[(Address, Address)], dir: &Path) -> Option<Diagnostic> {
    if pairs.is_empty() {
        return None;
    }
    let message = match pairs {
        [(from, to)] => format!(
            "`{from}` is gone and `{to}` is new: Terraform will destroy the one and create the \
             other"
        ),
        _ => format!(
            "{} addresses are gone and as many new ones of the same types appeared: Terraform \
             will destroy and re-create their objects",
            pairs.len()
        ),
    };
    // The script is where the operator keeps the move: tsdsl writes the
    // `moved` block itself, so no hand-written file is needed.
    let lines: Vec<String> =
        pairs.iter().map(|(from, to)| format!("moved(\"{from}\", \"{to}\");")).collect();
    let (it, these) =
        if pairs.len() == 1 { ("it is", "this line") } else { ("they are", "these lines") };
    let help = format!(
        "if {it} renamed, keep the objects: add {these} to the script (the new address may \
         also be given as the block's handle); Terraform then moves the state instead of \
         re-creating (output folder `{}`)\n{}",
        dir.display(),
        lines.join("\n")
    );
    let d = Diagnostic::warning(Code::OutputRenamed, message).help(help);
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn res(ty: &str, name: &str) -> Address {
        Address { kind: Kind::Resource, ty: ty.into(), name: name.into() }
    }

    #[test]
    fn pairs_by_type_and_name_similarity() {
        let before = [res("aws_s3_bucket", "prod_logs"), res("aws_s3_bucket", "prod_media")];
        let after = [
            res("aws_s3_bucket", "production_media"),
            res("aws_s3_bucket", "production_logs"),
            res("aws_vpc", "main"),
        ];
        let shown: Vec<String> =
            likely(&before, &after).iter().map(|(a, b)| format!("{a}>{b}")).collect();
        assert_eq!(
            shown,
            [
                "aws_s3_bucket.prod_logs>aws_s3_bucket.production_logs",
                "aws_s3_bucket.prod_media>aws_s3_bucket.production_media"
            ]
        );
    }

    #[test]
    fn no_pair_across_types_nor_for_data_sources() {
        let before =
            [res("aws_s3_bucket", "a"), Address { kind: Kind::Data, ..res("aws_ami", "x") }];
        let after = [res("aws_vpc", "b"), Address { kind: Kind::Data, ..res("aws_ami", "y") }];
        assert!(likely(&before, &after).is_empty());
    }
}
