//! Model values and expression text turned into [`Node`]s.
//!
//! References and function calls go through hcl-rs types (`Traversal`,
//! `FuncCall`), as do `Expr` escape hatches, which are parsed and then
//! printed by our own rules so their spacing matches `terraform fmt`.

use hcl::expr::{
    BinaryOperator, Conditional, Expression, ForExpr, FuncCall, Heredoc, ObjectKey, Operation,
    TemplateExpr, Traversal, TraversalOperator, UnaryOperator, Variable,
};
use hcl::template::{Directive, Element, Strip, Template};
use hcl::Identifier;

use super::literal::{float, object_key, quote, template_literal_into};
use super::node::Node;
use crate::model::{Reference, Step, TemplatePart, Value};

pub(crate) fn node(v: &Value) -> Node {
    match v {
        Value::Null => Node::Leaf("null".to_owned()),
        Value::Bool(b) => Node::Leaf(b.to_string()),
        Value::Int(i) => Node::Leaf(i.to_string()),
        Value::Float(f) => Node::Leaf(float(*f)),
        Value::String(s) => Node::Leaf(quote(s)),
        Value::List(items) => Node::List(items.iter().map(node).collect()),
        Value::Map(m) => Node::Map(m.iter().map(|(k, v)| (object_key(k), node(v))).collect()),
        Value::Ref(r) => Node::Leaf(reference(r)),
        Value::Template(parts) => Node::Leaf(template(parts)),
        Value::Call { name, args } => Node::Call {
            name: name.clone(),
            args: args.iter().map(node).collect(),
            expand_final: false,
        },
        Value::Expr(text) => expr_text(text),
        Value::Op(op) => Node::Leaf(super::language::op_text(op)),
    }
}

/// A value written as a whole attribute of a body. `terraform fmt` rewrites
/// an attribute that is a lone interpolation (`x = "${var.a}"`) to the bare
/// expression, so we write it that way first. Values nested in lists and
/// maps keep their quotes, as fmt leaves them alone.
pub(crate) fn attr_value(v: &Value) -> Node {
    match v {
        Value::Template(parts) => {
            let mut non_empty =
                parts.iter().filter(|p| !matches!(p, TemplatePart::Literal(l) if l.is_empty()));
            match (non_empty.next(), non_empty.next()) {
                (Some(TemplatePart::Interp(inner)), None) => attr_value(inner),
                _ => node(v),
            }
        }
        Value::Expr(text) => match parse_expr(text) {
            // A heredoc written as the whole value keeps its form: only
            // there is the line after its closing marker free.
            Some(Expression::TemplateExpr(t)) if matches!(*t, TemplateExpr::Heredoc(_)) => {
                Node::Leaf(text.trim().to_owned())
            }
            Some(Expression::TemplateExpr(t)) => match lone_interpolation(&t) {
                Some(inner) => expression(&inner).unwrap_or_else(|| node(v)),
                None => node(v),
            },
            _ => node(v),
        },
        _ => node(v),
    }
}

fn lone_interpolation(t: &TemplateExpr) -> Option<Expression> {
    if !matches!(t, TemplateExpr::QuotedString(_)) {
        return None;
    }
    let template = Template::from_expr(t).ok()?;
    let mut elements =
        template.elements().iter().filter(|e| !matches!(e, Element::Literal(l) if l.is_empty()));
    match (elements.next(), elements.next()) {
        (Some(Element::Interpolation(i)), None) => Some(i.expr.clone()),
        _ => None,
    }
}

/// A reference as a traversal: `aws_subnet.x[0].id`, `m["key"]`, `x[*].id`.
pub(crate) fn reference(r: &Reference) -> String {
    let operators = r.steps.iter().map(|s| match s {
        // A name that is no identifier can still be reached by index.
        Step::Attr(a) => match Identifier::new(a.as_str()) {
            Ok(id) => TraversalOperator::GetAttr(id),
            Err(_) => TraversalOperator::Index(Expression::String(a.clone())),
        },
        Step::Index(i) => TraversalOperator::Index(Expression::from(*i)),
        Step::Key(k) => TraversalOperator::Index(Expression::String(k.clone())),
        Step::Splat => TraversalOperator::FullSplat,
    });
    // The checks phase refuses a root that is no name; should one slip
    // through, it is written quoted (Terraform rejects it), never as code.
    let Ok(root) = Variable::new(r.root.as_str()) else { return quote(&r.root) };
    let t = Traversal::new(root, operators.collect::<Vec<_>>());
    traversal(&t).unwrap_or_else(|| quote(&r.to_string()))
}

fn template(parts: &[TemplatePart]) -> String {
    let parts = merged(parts);
    let mut out = String::from("\"");
    for (i, p) in parts.iter().enumerate() {
        match p {
            TemplatePart::Literal(s) => {
                let before_interp = matches!(parts.get(i + 1), Some(TemplatePart::Interp(_)));
                template_literal_into(&mut out, s, before_interp);
            }
            TemplatePart::Interp(v) => {
                out.push_str("${");
                out.push_str(&node(v).compact());
                out.push('}');
            }
        }
    }
    out.push('"');
    out
}

/// The parts with neighbouring literals joined, so that escaping sees the
/// text Terraform will read (a `$` that ends one literal and the `{` that
/// starts the next are `${` to it).
pub(crate) fn merged(parts: &[TemplatePart]) -> Vec<TemplatePart> {
    let mut out: Vec<TemplatePart> = Vec::with_capacity(parts.len());
    for p in parts {
        match (out.last_mut(), p) {
            (Some(TemplatePart::Literal(prev)), TemplatePart::Literal(s)) => prev.push_str(s),
            _ => out.push(p.clone()),
        }
    }
    out
}

/// Expression text from the script: re-parsed and printed by our rules, or
/// kept as written when hcl-rs cannot read it. The engine checked it parses.
/// A heredoc nested in a list, call or operation is printed as the quoted
/// string it stands for: its closing marker must end a line, which a `,` or
/// `)` after it would break.
pub(crate) fn expr_text(text: &str) -> Node {
    let trimmed = text.trim();
    // hcl-rs holds numbers as 64-bit integers or floats; Terraform's are
    // exact. A literal with this many digits is kept as the operator wrote it.
    if has_long_number(trimmed) {
        return Node::Leaf(trimmed.to_owned());
    }
    parse_expr(trimmed)
        .and_then(|e| expression(&e))
        .unwrap_or_else(|| Node::Leaf(trimmed.to_owned()))
}

fn has_long_number(text: &str) -> bool {
    let mut run = 0;
    for b in text.bytes() {
        run = if b.is_ascii_digit() { run + 1 } else { 0 };
        if run > 15 {
            return true;
        }
    }
    false
}

fn parse_expr(text: &str) -> Option<Expression> {
    let body = hcl::parse(&format!("x = {}\n", text.trim())).ok()?;
    let mut attrs = body.into_attributes();
    let first = attrs.next()?;
    match attrs.next() {
        Some(_) => None,
        None => Some(first.expr),
    }
}

/// An hcl-rs expression as a node; `None` for what we do not print.
pub(crate) fn expression(e: &Expression) -> Option<Node> {
    Some(match e {
        Expression::Array(items) => {
            Node::List(items.iter().map(expression).collect::<Option<_>>()?)
        }
        Expression::Object(obj) => Node::Map(
            obj.iter().map(|(k, v)| Some((key(k)?, expression(v)?))).collect::<Option<_>>()?,
        ),
        Expression::FuncCall(f) => call(f)?,
        Expression::Parenthesis(inner) => Node::Paren(Box::new(expression(inner)?)),
        other => Node::Leaf(compact(other)?),
    })
}

fn call(f: &FuncCall) -> Option<Node> {
    let mut name = String::new();
    for ns in &f.name.namespace {
        name.push_str(ns.as_str());
        name.push_str("::");
    }
    name.push_str(f.name.name.as_str());
    let args = f.args.iter().map(expression).collect::<Option<_>>()?;
    Some(Node::Call { name, args, expand_final: f.expand_final })
}

fn key(k: &ObjectKey) -> Option<String> {
    match k {
        ObjectKey::Identifier(id) => Some(id.as_str().to_owned()),
        ObjectKey::Expression(Expression::String(s)) => Some(object_key(s)),
        ObjectKey::Expression(e) => compact(e),
        // `ObjectKey` is non-exhaustive.
        #[allow(unreachable_patterns)]
        _ => None,
    }
}

/// One-line text of an expression, spaced as `terraform fmt` spaces it.
fn compact(e: &Expression) -> Option<String> {
    Some(match e {
        Expression::Null => "null".to_owned(),
        Expression::Bool(b) => b.to_string(),
        Expression::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) if !n.is_f64() => i.to_string(),
            (_, Some(u)) if !n.is_f64() => u.to_string(),
            _ => float(n.as_f64()?),
        },
        Expression::String(s) => quote(s),
        Expression::Array(_)
        | Expression::Object(_)
        | Expression::FuncCall(_)
        | Expression::Parenthesis(_) => expression(e)?.compact(),
        Expression::TemplateExpr(t) => match t.as_ref() {
            TemplateExpr::QuotedString(_) => quoted_template(&Template::from_expr(t).ok()?)?,
            // hcl-rs has already removed a `<<-` heredoc's indentation.
            TemplateExpr::Heredoc(Heredoc { .. }) => {
                quoted_template(&Template::from_expr(t).ok()?)?
            }
        },
        Expression::Variable(v) => v.as_str().to_owned(),
        Expression::Traversal(t) => traversal(t)?,
        Expression::Conditional(c) => {
            let Conditional { cond_expr, true_expr, false_expr } = c.as_ref();
            format!("{} ? {} : {}", compact(cond_expr)?, compact(true_expr)?, compact(false_expr)?)
        }
        Expression::Operation(op) => match op.as_ref() {
            Operation::Unary(u) => {
                let sign = match u.operator {
                    UnaryOperator::Neg => "-",
                    UnaryOperator::Not => "!",
                };
                format!("{sign}{}", compact(&u.expr)?)
            }
            Operation::Binary(b) => {
                format!(
                    "{} {} {}",
                    compact(&b.lhs_expr)?,
                    binary(b.operator),
                    compact(&b.rhs_expr)?
                )
            }
        },
        Expression::ForExpr(f) => for_expr(f)?,
        #[allow(unreachable_patterns)]
        _ => return None,
    })
}

fn binary(op: BinaryOperator) -> &'static str {
    op.as_str()
}

fn traversal(t: &Traversal) -> Option<String> {
    let mut out = compact(&t.expr)?;
    for op in &t.operators {
        match op {
            TraversalOperator::AttrSplat => out.push_str(".*"),
            TraversalOperator::FullSplat => out.push_str("[*]"),
            TraversalOperator::GetAttr(id) => {
                out.push('.');
                out.push_str(id.as_str());
            }
            TraversalOperator::Index(e) => {
                out.push('[');
                out.push_str(&compact(e)?);
                out.push(']');
            }
            TraversalOperator::LegacyIndex(i) => {
                out.push('.');
                out.push_str(&i.to_string());
            }
        }
    }
    Some(out)
}

fn quoted_template(t: &Template) -> Option<String> {
    let mut out = String::from("\"");
    template_body(&mut out, t)?;
    out.push('"');
    Some(out)
}

/// Template elements; fmt writes interpolations and directives with no
/// space inside the braces (`%{if x}`, `${var.a}`).
fn template_body(out: &mut String, t: &Template) -> Option<()> {
    let elements = t.elements();
    for (i, el) in elements.iter().enumerate() {
        match el {
            Element::Literal(s) => {
                let before_interp = matches!(elements.get(i + 1), Some(Element::Interpolation(_)));
                template_literal_into(out, s, before_interp);
            }
            Element::Interpolation(i) => {
                let (open, close) = strip_marks(i.strip);
                out.push_str(&format!("${{{open}{}{close}}}", compact(&i.expr)?));
            }
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    directive(out, d.if_strip, &format!("if {}", compact(&d.cond_expr)?));
                    template_body(out, &d.true_template)?;
                    if let Some(f) = &d.false_template {
                        directive(out, d.else_strip, "else");
                        template_body(out, f)?;
                    }
                    directive(out, d.endif_strip, "endif");
                }
                Directive::For(d) => {
                    let vars = match &d.key_var {
                        Some(k) => format!("{}, {}", k.as_str(), d.value_var.as_str()),
                        None => d.value_var.as_str().to_owned(),
                    };
                    directive(
                        out,
                        d.for_strip,
                        &format!("for {vars} in {}", compact(&d.collection_expr)?),
                    );
                    template_body(out, &d.template)?;
                    directive(out, d.endfor_strip, "endfor");
                }
            },
        }
    }
    Some(())
}

fn directive(out: &mut String, strip: Strip, text: &str) {
    let (open, close) = strip_marks(strip);
    out.push_str(&format!("%{{{open}{text}{close}}}"));
}

fn strip_marks(s: Strip) -> (&'static str, &'static str) {
    match s {
        Strip::None => ("", ""),
        Strip::Start => ("~", ""),
        Strip::End => ("", "~"),
        Strip::Both => ("~", "~"),
    }
}

fn for_expr(f: &ForExpr) -> Option<String> {
    let vars = match &f.key_var {
        Some(k) => format!("{}, {}", k.as_str(), f.value_var.as_str()),
        None => f.value_var.as_str().to_owned(),
    };
    let head = format!("for {vars} in {} :", compact(&f.collection_expr)?);
    let cond = match &f.cond_expr {
        Some(c) => format!(" if {}", compact(c)?),
        None => String::new(),
    };
    let group = if f.grouping { "..." } else { "" };
    Some(match &f.key_expr {
        Some(k) => {
            format!("{{ {head} {} => {}{group}{cond} }}", compact(k)?, compact(&f.value_expr)?)
        }
        None => format!("[{head} {}{cond}]", compact(&f.value_expr)?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use indexmap::IndexMap;

    fn e(text: &str) -> String {
        expr_text(text).layout(0)
    }

    #[test]
    fn references_print_as_traversals() {
        let r = Reference::new("aws_subnet").attr("x").index(0).attr("id");
        assert_eq!(reference(&r), "aws_subnet.x[0].id");
        assert_eq!(reference(&Reference::new("x").splat().attr("id")), "x[*].id");
        assert_eq!(reference(&Reference::new("m").key("a\"b")), "m[\"a\\\"b\"]");
        assert_eq!(reference(&Reference::new("m").attr("not-ok!")), "m[\"not-ok!\"]");
    }

    #[test]
    fn templates_escape_literals_only() {
        let t = Value::Template(vec![
            TemplatePart::Interp(Value::Ref(Reference::new("aws_vpc").attr("main").attr("id"))),
            TemplatePart::Literal("-x \"${y}\"\n".into()),
        ]);
        assert_eq!(node(&t).layout(0), r#""${aws_vpc.main.id}-x \"$${y}\"\n""#);
    }

    #[test]
    fn values_of_every_kind() {
        let mut m = IndexMap::new();
        m.insert("kubernetes.io/role/elb".to_owned(), Value::from("1"));
        m.insert("Name".to_owned(), Value::Float(2.0));
        assert_eq!(
            node(&Value::Map(m)).layout(0),
            "{\n  \"kubernetes.io/role/elb\" = \"1\"\n  Name                     = 2\n}"
        );
        let call = Value::Call {
            name: "cidrsubnet".into(),
            args: vec![
                Value::Ref(Reference::new("var").attr("cidr")),
                Value::Int(8),
                Value::Int(1),
            ],
        };
        assert_eq!(node(&call).layout(0), "cidrsubnet(var.cidr, 8, 1)");
        assert_eq!(node(&Value::Null).layout(0), "null");
        assert_eq!(node(&Value::Int(-3)).layout(0), "-3");
    }

    #[test]
    fn expressions_are_reprinted_with_fmt_spacing() {
        assert_eq!(e("var.a?1:2"), "var.a ? 1 : 2");
        assert_eq!(
            e("[for s in var.l: upper(s) if s!=\"\"]"),
            "[for s in var.l : upper(s) if s != \"\"]"
        );
        assert_eq!(e("{for k,v in var.m: k=>v...}"), "{ for k, v in var.m : k => v... }");
        assert_eq!(e("!var.b"), "!var.b");
        assert_eq!(e("-1"), "-1");
        assert_eq!(e("1.5"), "1.5");
        assert_eq!(e("a.b[0].c[*].d"), "a.b[0].c[*].d");
        assert_eq!(e("\"${var.a}-${var.b}\""), "\"${var.a}-${var.b}\"");
        assert_eq!(
            e("list(object({ a = string, b = optional(number, 1) }))"),
            "list(object({\n  a = string\n  b = optional(number, 1)\n}))"
        );
        assert_eq!(e("merge(local.tags,{Name=\"x\"})"), "merge(local.tags, {\n  Name = \"x\"\n})");
        assert_eq!(e("(var.a + 1) * 2"), "(var.a + 1) * 2");
        assert_eq!(e("18446744073709551615"), "18446744073709551615");
        assert_eq!(
            e("max(123456789012345678901234567890, 1)"),
            "max(123456789012345678901234567890, 1)"
        );
    }

    #[test]
    fn directives_lose_inner_spaces_as_fmt_writes_them() {
        assert_eq!(e("\"%{ if var.a }x%{ else }y%{ endif }\""), "\"%{if var.a}x%{else}y%{endif}\"");
        assert_eq!(
            e("\"%{ for k, v in var.m ~}${k}=${v}%{ endfor }\""),
            "\"%{for k, v in var.m~}${k}=${v}%{endfor}\""
        );
    }

    #[test]
    fn lone_interpolations_unwrap_only_as_whole_attributes() {
        let t = Value::Template(vec![
            TemplatePart::Literal(String::new()),
            TemplatePart::Interp(Value::Ref(Reference::new("var").attr("a"))),
        ]);
        assert_eq!(attr_value(&t).layout(0), "var.a");
        assert_eq!(node(&t).layout(0), "\"${var.a}\"");
        assert_eq!(attr_value(&Value::Expr("\"${~ var.a ~}\"".into())).layout(0), "var.a");
        assert_eq!(attr_value(&Value::Expr("\"${var.a}-x\"".into())).layout(0), "\"${var.a}-x\"");
    }

    #[test]
    fn unprintable_expressions_stay_as_written() {
        assert_eq!(e("this is ( not hcl"), "this is ( not hcl");
    }

    #[test]
    fn heredocs_stay_heredocs_only_as_whole_attributes() {
        let h = "<<EOT\nhello ${var.a}\nEOT\n";
        assert_eq!(attr_value(&Value::Expr(h.into())).layout(0), "<<EOT\nhello ${var.a}\nEOT");
        assert_eq!(e(h), "\"hello ${var.a}\\n\"");
        assert_eq!(e("<<-EOT\n    a\n      b\n    EOT\n"), "\"a\\n  b\\n\"");
        let list = Value::List(vec![Value::Expr(h.into()), Value::Int(1)]);
        assert_eq!(node(&list).layout(0), "[\"hello ${var.a}\\n\", 1]");
        assert_eq!(e("upper(<<EOT\nhi\nEOT\n)"), "upper(\"hi\\n\")");
    }
}
