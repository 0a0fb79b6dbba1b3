//! The list and map functions that decide something with `==` or with a
//! function the script gives: `in`, `contains`, `index_of`, `filter`,
//! `find`, `some`, `all`, `retain`, `drain`, `dedup`, `sort`, and `==`/`!=`
//! between lists and between maps.
//!
//! Rhai's own versions take any answer but `true` for "no". A value known
//! only at plan time compares into a Terraform expression, not a bool, so
//! `env in ["production"]` with `env` a variable was silently false, and a
//! filter returning a string silently kept nothing. These versions decide
//! the same way on true and false, and refuse anything else.

use rhai::{Array, Dynamic, Engine, EvalAltResult, FnPtr, Map, NativeCallContext, INT};

use crate::diagnostics::{Code, STDLIB_PREFIX};

use super::super::convert::has_tokens;
use super::super::errors::{bail, type_word};
use super::spec::is_plan_time_itself;
use super::{origin_of, Res};

pub(crate) fn register(engine: &mut Engine) {
    engine.register_fn("contains", |nc: NativeCallContext, a: &mut Array, v: Dynamic| {
        position(&nc, "in", a, v, 0).map(|i| i >= 0)
    });
    engine.register_fn("index_of", |nc: NativeCallContext, a: &mut Array, v: Dynamic| {
        position(&nc, "index_of", a, v, 0)
    });
    engine.register_fn(
        "index_of",
        |nc: NativeCallContext, a: &mut Array, v: Dynamic, start: INT| {
            position(&nc, "index_of", a, v, start)
        },
    );
    // A string is a value to look for, as in `azs.index_of("eu-west-1a")`:
    // without these Rhai may take it for the name of a function to call on
    // each item, and a list holding a plan-time value answered -1 unchecked.
    engine.register_fn(
        "index_of",
        |nc: NativeCallContext, a: &mut Array, v: rhai::ImmutableString| {
            position(&nc, "index_of", a, v.into(), 0)
        },
    );
    engine.register_fn(
        "index_of",
        |nc: NativeCallContext, a: &mut Array, v: rhai::ImmutableString, start: INT| {
            position(&nc, "index_of", a, v.into(), start)
        },
    );
    engine.register_fn("index_of", |nc: NativeCallContext, a: &mut Array, f: FnPtr| {
        first(&nc, "index_of", a, &f, 0).map(|i| i.map_or(-1, as_int))
    });
    engine.register_fn("index_of", |nc: NativeCallContext, a: &mut Array, f: FnPtr, start: INT| {
        first(&nc, "index_of", a, &f, start).map(|i| i.map_or(-1, as_int))
    });
    engine.register_fn("find", |nc: NativeCallContext, a: &mut Array, f: FnPtr| {
        first(&nc, "find", a, &f, 0).map(|i| i.map_or(Dynamic::UNIT, |i| a[i].clone()))
    });
    engine.register_fn("find", |nc: NativeCallContext, a: &mut Array, f: FnPtr, start: INT| {
        first(&nc, "find", a, &f, start).map(|i| i.map_or(Dynamic::UNIT, |i| a[i].clone()))
    });
    engine.register_fn("some", |nc: NativeCallContext, a: &mut Array, f: FnPtr| {
        first(&nc, "some", a, &f, 0).map(|i| i.is_some())
    });
    engine.register_fn("all", |nc: NativeCallContext, a: &mut Array, f: FnPtr| -> Res<bool> {
        for i in 0..a.len() {
            if !item_test(&nc, "all", a, &f, i)? {
                return Ok(false);
            }
        }
        Ok(true)
    });
    engine.register_fn("filter", |nc: NativeCallContext, a: &mut Array, f: FnPtr| {
        split(&nc, "filter", a, &f).map(|(kept, _)| kept)
    });
    // `retain` keeps what passes and returns the rest; `drain` the reverse.
    engine.register_fn("retain", |nc: NativeCallContext, a: &mut Array, f: FnPtr| -> Res<Array> {
        let (kept, gone) = split(&nc, "retain", a, &f)?;
        *a = kept;
        Ok(gone)
    });
    engine.register_fn("drain", |nc: NativeCallContext, a: &mut Array, f: FnPtr| -> Res<Array> {
        let (taken, left) = split(&nc, "drain", a, &f)?;
        *a = left;
        Ok(taken)
    });
    engine.register_fn("dedup", |nc: NativeCallContext, a: &mut Array| -> Res<()> {
        dedup(a, |x, y| equal(&nc, "dedup", x, y))
    });
    engine.register_fn("dedup", |nc: NativeCallContext, a: &mut Array, f: FnPtr| -> Res<()> {
        dedup(a, |x, y| truth(&nc, "dedup", f.call_raw(&nc, None, [x.clone(), y.clone()])?))
    });
    for name in ["sort", "sort_by"] {
        engine.register_fn(name, |nc: NativeCallContext, a: &mut Array, f: FnPtr| sort(&nc, a, &f));
    }
    // Rhai's `order_by` treated any answer but a number as "equal": a
    // comparer answering a plan-time value left the list silently unsorted.
    for name in ["order", "order_by"] {
        engine.register_fn(name, |nc: NativeCallContext, a: &mut Array, f: FnPtr| -> Res<Array> {
            let mut sorted = a.clone();
            sort(&nc, &mut sorted, &f)?;
            Ok(sorted)
        });
    }
    // Without a comparer, Rhai compared the characters of text holding a
    // plan-time value (its token), and left a list of references unsorted.
    for (name, descending) in [("sort", false), ("sort_desc", true)] {
        engine.register_fn(name, move |nc: NativeCallContext, a: &mut Array| {
            sort_plain(&nc, name, a, descending)
        });
    }
    for (name, descending) in [("order", false), ("order_desc", true)] {
        engine.register_fn(name, move |nc: NativeCallContext, a: &mut Array| -> Res<Array> {
            let mut sorted = a.clone();
            sort_plain(&nc, name, &mut sorted, descending)?;
            Ok(sorted)
        });
    }
    // `key in map` asks `contains`: text holding a plan-time value was
    // looked up by its token, and silently not found.
    engine.register_fn(
        "contains",
        |nc: NativeCallContext, m: &mut Map, key: rhai::ImmutableString| -> Res<bool> {
            if has_tokens(&key) {
                return plan_time(&nc, "in");
            }
            Ok(m.contains_key(key.as_str()))
        },
    );
    engine.register_fn("==", |nc: NativeCallContext, v: Dynamic, _: ()| is_nothing(&nc, &v));
    engine.register_fn("==", |nc: NativeCallContext, _: (), v: Dynamic| is_nothing(&nc, &v));
    engine.register_fn("!=", |nc: NativeCallContext, v: Dynamic, _: ()| -> Res<bool> {
        Ok(!is_nothing(&nc, &v)?)
    });
    engine.register_fn("!=", |nc: NativeCallContext, _: (), v: Dynamic| -> Res<bool> {
        Ok(!is_nothing(&nc, &v)?)
    });
    engine
        .register_fn("==", |nc: NativeCallContext, a: &mut Array, b: Array| lists_equal(&nc, a, b));
    engine.register_fn("!=", |nc: NativeCallContext, a: &mut Array, b: Array| {
        lists_equal(&nc, a, b).map(|same| !same)
    });
    engine.register_fn("==", |nc: NativeCallContext, a: &mut Map, b: Map| maps_equal(&nc, a, b));
    engine.register_fn("!=", |nc: NativeCallContext, a: &mut Map, b: Map| {
        maps_equal(&nc, a, b).map(|same| !same)
    });
    engine.register_fn("filter", |nc: NativeCallContext, m: &mut Map, f: FnPtr| {
        split_map(&nc, "filter", m, &f).map(|(kept, _)| kept)
    });
    engine.register_fn("retain", |nc: NativeCallContext, m: &mut Map, f: FnPtr| -> Res<Map> {
        let (kept, gone) = split_map(&nc, "retain", m, &f)?;
        *m = kept;
        Ok(gone)
    });
    engine.register_fn("drain", |nc: NativeCallContext, m: &mut Map, f: FnPtr| -> Res<Map> {
        let (taken, left) = split_map(&nc, "drain", m, &f)?;
        *m = left;
        Ok(taken)
    });
}

/// `v == ()`. A Terraform value is never nothing while the script runs,
/// though it may be null when Terraform plans: asked in the operator's own
/// file, the question is refused rather than answered "no". The stdlib asks
/// it of its options, where it means "was the option given".
pub(crate) fn is_nothing(nc: &NativeCallContext, v: &Dynamic) -> Res<bool> {
    if is_plan_time_itself(v) && !nc.call_source().is_some_and(|s| s.starts_with(STDLIB_PREFIX)) {
        bail!(
            &origin_of(nc),
            Code::ScriptPlanTimeValue,
            "cannot tell now whether a value known only at plan time is nothing";
            label: "compares a Terraform expression with `()`";
            help: "a Terraform value is never nothing while the script runs, even one that will \
                   be null; to test for Terraform's null write `tf::cond(tf::expr(...) == null, ...)`, \
                   or `tf::coalesce(value, \"default\")` for a fallback"
        )
    }
    Ok(v.is_unit())
}

/// An answer that must be true or false.
fn truth(nc: &NativeCallContext, what: &str, answer: Dynamic) -> Res<bool> {
    if let Ok(b) = answer.as_bool() {
        return Ok(b);
    }
    if is_plan_time_itself(&answer) {
        plan_time(nc, what)
    } else if what == "sort" {
        bail!(
            &origin_of(nc),
            Code::ScriptWrongType,
            "the comparer given to `sort` must answer a number (negative, zero, positive) or \
             true for \"before\", found {}",
            type_word(answer.type_name());
            label: "does not answer a number or true/false";
            help: "compare the two items it is given: `|a, b| a.size - b.size` or \
                   `|a, b| a.name < b.name`"
        )
    } else {
        bail!(
            &origin_of(nc),
            Code::ScriptWrongType,
            "the function given to `{what}` must answer true or false, found {}",
            type_word(answer.type_name());
            label: "does not answer true or false";
            help: "return a comparison, e.g. `|x| x.size > 2`"
        )
    }
}

fn plan_time<T>(nc: &NativeCallContext, what: &str) -> Res<T> {
    bail!(
        &origin_of(nc),
        Code::ScriptPlanTimeValue,
        "`{what}` cannot decide on a value known only at plan time";
        label: "compares a Terraform expression";
        help: "the script decides while it runs, before Terraform knows the value; to choose at \
               plan time write `tf::cond(...)`, or give the value as a plain string or number"
    )
}

/// `a == b` as the script's `==` says it, true or false only. Values of two
/// types with no `==` between them differ, as in Rhai.
fn equal(nc: &NativeCallContext, what: &str, a: &mut Dynamic, b: &mut Dynamic) -> Res<bool> {
    if is_plan_time_itself(a) || is_plan_time_itself(b) {
        return plan_time(nc, what);
    }
    let (ta, tb) = (a.type_id(), b.type_id());
    match nc.call_native_fn_raw("==", true, &mut [a, b]) {
        Ok(answer) => truth(nc, what, answer),
        Err(e) => match *e {
            EvalAltResult::ErrorFunctionNotFound(ref sig, ..)
                if sig.starts_with("==") && ta != tb =>
            {
                Ok(false)
            }
            _ => Err(e),
        },
    }
}

fn start_at(len: usize, start: INT) -> usize {
    if start < 0 {
        len.saturating_sub(start.unsigned_abs() as usize)
    } else {
        usize::try_from(start).unwrap_or(usize::MAX)
    }
}

fn as_int(i: usize) -> INT {
    INT::try_from(i).unwrap_or(INT::MAX)
}

fn position(nc: &NativeCallContext, what: &str, a: &mut Array, v: Dynamic, start: INT) -> Res<INT> {
    let from = start_at(a.len(), start);
    for (i, item) in a.iter_mut().enumerate().skip(from) {
        if equal(nc, what, item, &mut v.clone())? {
            return Ok(as_int(i));
        }
    }
    // Nothing to compare with: still no plan-time answer hidden as "no".
    if is_plan_time_itself(&v) {
        return plan_time(nc, what);
    }
    Ok(-1)
}

/// The function's answer for item `i` (given the item, and its index when
/// it takes two parameters, as Rhai's own versions do).
fn item_test(nc: &NativeCallContext, what: &str, a: &mut Array, f: &FnPtr, i: usize) -> Res<bool> {
    let answer =
        f.call_raw_with_extra_args(what, nc, Some(&mut a[i]), [], [as_int(i).into()], Some(0))?;
    truth(nc, what, answer)
}

fn first(
    nc: &NativeCallContext,
    what: &str,
    a: &mut Array,
    f: &FnPtr,
    start: INT,
) -> Res<Option<usize>> {
    for i in start_at(a.len(), start)..a.len() {
        if item_test(nc, what, a, f, i)? {
            return Ok(Some(i));
        }
    }
    Ok(None)
}

/// The items that pass, and the others, each in order.
fn split(nc: &NativeCallContext, what: &str, a: &mut Array, f: &FnPtr) -> Res<(Array, Array)> {
    let mut pass = vec![false; a.len()];
    for (i, p) in pass.iter_mut().enumerate() {
        *p = item_test(nc, what, a, f, i)?;
    }
    let (mut yes, mut no) = (Array::new(), Array::new());
    for (item, p) in a.iter().zip(pass) {
        if p { &mut yes } else { &mut no }.push(item.clone());
    }
    Ok((yes, no))
}

fn split_map(nc: &NativeCallContext, what: &str, m: &mut Map, f: &FnPtr) -> Res<(Map, Map)> {
    let (mut yes, mut no) = (Map::new(), Map::new());
    for (k, v) in m.iter() {
        let answer = f.call_raw(nc, None, [k.clone().into(), v.clone()])?;
        let side = if truth(nc, what, answer)? { &mut yes } else { &mut no };
        side.insert(k.clone(), v.clone());
    }
    Ok((yes, no))
}

fn dedup(a: &mut Array, mut same: impl FnMut(&mut Dynamic, &mut Dynamic) -> Res<bool>) -> Res<()> {
    let mut kept: Array = Vec::with_capacity(a.len());
    for mut item in std::mem::take(a) {
        let repeat = match kept.last_mut() {
            Some(last) => same(last, &mut item)?,
            None => false,
        };
        if !repeat {
            kept.push(item);
        }
    }
    *a = kept;
    Ok(())
}

/// `sort` with a comparer: it answers a number (negative, zero, positive),
/// or true for "before".
fn sort(nc: &NativeCallContext, a: &mut Array, f: &FnPtr) -> Res<()> {
    let mut failed: Option<Box<EvalAltResult>> = None;
    let order = |x: &Dynamic, y: &Dynamic| -> Res<std::cmp::Ordering> {
        let answer = f.call_raw(nc, None, [x.clone(), y.clone()])?;
        if let Ok(n) = answer.as_int() {
            return Ok(n.cmp(&0));
        }
        let before = truth(nc, "sort", answer)?;
        Ok(if before { std::cmp::Ordering::Less } else { std::cmp::Ordering::Greater })
    };
    // A comparer that is not a total order may make `sort_by` panic: sort
    // indices with a stable merge of our own answers instead.
    let mut idx: Vec<usize> = (0..a.len()).collect();
    merge_sort(&mut idx, &mut |&i, &j| {
        if failed.is_some() {
            return std::cmp::Ordering::Equal;
        }
        order(&a[i], &a[j]).unwrap_or_else(|e| {
            failed = Some(e);
            std::cmp::Ordering::Equal
        })
    });
    if let Some(e) = failed {
        return Err(e);
    }
    let sorted: Array = idx.into_iter().map(|i| std::mem::take(&mut a[i])).collect();
    *a = sorted;
    Ok(())
}

/// `sort()` and its kin without a comparer: numbers, text, characters or
/// true/false, all of one kind, as Rhai's own. Anything else is refused
/// rather than left in place: Rhai kept a list of references as it was.
fn sort_plain(nc: &NativeCallContext, name: &str, a: &mut Array, descending: bool) -> Res<()> {
    use std::cmp::Ordering;
    if a.iter().any(is_plan_time_itself) {
        return plan_time(nc, name);
    }
    let kind = |v: &Dynamic| -> Option<u8> {
        Some(if v.is_int() {
            0
        } else if v.is_float() {
            1
        } else if v.is_string() {
            2
        } else if v.is_char() {
            3
        } else if v.is_bool() {
            4
        } else {
            return None;
        })
    };
    let first = a.first().and_then(kind);
    if a.iter().any(|v| kind(v).is_none() || kind(v) != first) {
        let found: Vec<&str> = {
            let mut t: Vec<&str> = a.iter().map(|v| type_word(v.type_name())).collect();
            t.sort_unstable();
            t.dedup();
            t
        };
        bail!(
            &origin_of(nc),
            Code::ScriptWrongType,
            "`{name}` without a comparer sorts numbers, text, characters or true/false, all of \
             one kind; this list holds {}",
            found.join(", ");
            label: "cannot sort these";
            help: "give a comparer answering a number: `.sort(|a, b| a.name < b.name)` or \
                   `.sort(|a, b| a.size - b.size)`"
        )
    }
    let order = |x: &Dynamic, y: &Dynamic| -> Ordering {
        if let (Ok(x), Ok(y)) = (x.as_int(), y.as_int()) {
            return x.cmp(&y);
        }
        if let (Ok(x), Ok(y)) = (x.as_float(), y.as_float()) {
            return x.partial_cmp(&y).unwrap_or(Ordering::Equal);
        }
        if let (Ok(x), Ok(y)) = (x.as_char(), y.as_char()) {
            return x.cmp(&y);
        }
        if let (Ok(x), Ok(y)) = (x.as_bool(), y.as_bool()) {
            return x.cmp(&y);
        }
        match (x.read_lock::<rhai::ImmutableString>(), y.read_lock::<rhai::ImmutableString>()) {
            (Some(x), Some(y)) => x.as_str().cmp(y.as_str()),
            _ => Ordering::Equal,
        }
    };
    a.sort_by(|x, y| if descending { order(y, x) } else { order(x, y) });
    Ok(())
}

/// A stable merge sort that never panics, whatever the comparer answers.
fn merge_sort<T: Copy>(v: &mut [T], cmp: &mut impl FnMut(&T, &T) -> std::cmp::Ordering) {
    if v.len() <= 1 {
        return;
    }
    let mid = v.len() / 2;
    merge_sort(&mut v[..mid], cmp);
    merge_sort(&mut v[mid..], cmp);
    let mut merged = Vec::with_capacity(v.len());
    let (mut i, mut j) = (0, mid);
    while i < mid && j < v.len() {
        if cmp(&v[j], &v[i]) == std::cmp::Ordering::Less {
            merged.push(v[j]);
            j += 1;
        } else {
            merged.push(v[i]);
            i += 1;
        }
    }
    merged.extend_from_slice(&v[i..mid]);
    merged.extend_from_slice(&v[j..]);
    v.copy_from_slice(&merged);
}

fn lists_equal(nc: &NativeCallContext, a: &mut Array, mut b: Array) -> Res<bool> {
    if a.len() != b.len() {
        // Still refused when a plan-time value is part of the question.
        if a.iter().chain(b.iter()).any(is_plan_time_itself) {
            return plan_time(nc, "==");
        }
        return Ok(false);
    }
    for (x, y) in a.iter_mut().zip(b.iter_mut()) {
        if !equal(nc, "==", x, y)? {
            return Ok(false);
        }
    }
    Ok(true)
}

fn maps_equal(nc: &NativeCallContext, a: &mut Map, mut b: Map) -> Res<bool> {
    if a.values().chain(b.values()).any(is_plan_time_itself) {
        return plan_time(nc, "==");
    }
    if a.len() != b.len() {
        return Ok(false);
    }
    for (k, x) in a.iter_mut() {
        let Some(y) = b.get_mut(k) else { return Ok(false) };
        if !equal(nc, "==", x, y)? {
            return Ok(false);
        }
    }
    Ok(true)
}
