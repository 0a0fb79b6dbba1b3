//! The references written inside expression text (`tf::expr("local.b")`),
//! as the model's own: the graph checks (cycles) see them as they see a
//! reference value. Names a `for` binds are left out.

use hcl::expr::{Expression, ObjectKey, Operation, TraversalOperator};
use hcl::template::{Directive, Element, Template};

use crate::model::{Reference, Value};

/// The references of every expression text inside `v`.
pub(crate) fn in_value(v: &Value) -> Vec<Reference> {
    let mut out = Vec::new();
    let mut texts = Vec::new();
    texts_of(v, &mut texts);
    for text in texts {
        let Ok(body) = hcl::parse(&format!("x = {}\n", text.trim())) else { continue };
        for a in body.attributes() {
            expression(&a.expr, &mut Vec::new(), &mut out);
        }
    }
    out
}

fn texts_of<'a>(v: &'a Value, out: &mut Vec<&'a str>) {
    match v {
        Value::Expr(text) => out.push(text),
        Value::List(items) => items.iter().for_each(|x| texts_of(x, out)),
        Value::Map(m) => m.values().for_each(|x| texts_of(x, out)),
        Value::Call { args, .. } => args.iter().for_each(|x| texts_of(x, out)),
        Value::Op(op) => op.operands().into_iter().for_each(|x| texts_of(x, out)),
        Value::Template(parts) => parts.iter().for_each(|p| {
            if let crate::model::TemplatePart::Interp(x) = p {
                texts_of(x, out)
            }
        }),
        _ => {}
    }
}

fn expression(e: &Expression, bound: &mut Vec<String>, out: &mut Vec<Reference>) {
    match e {
        Expression::Variable(v) => push(v.as_str(), &[], bound, out),
        Expression::Traversal(t) => {
            let mut attrs = Vec::new();
            for op in &t.operators {
                match op {
                    TraversalOperator::GetAttr(id) => attrs.push(id.as_str()),
                    TraversalOperator::Index(i) => expression(i, bound, out),
                    _ => {}
                }
            }
            match &t.expr {
                Expression::Variable(v) => push(v.as_str(), &attrs, bound, out),
                other => expression(other, bound, out),
            }
        }
        Expression::FuncCall(f) => f.args.iter().for_each(|a| expression(a, bound, out)),
        Expression::Array(items) => items.iter().for_each(|a| expression(a, bound, out)),
        Expression::Object(obj) => {
            for (k, v) in obj.iter() {
                if let ObjectKey::Expression(k) = k {
                    if !matches!(k, Expression::Variable(_)) {
                        expression(k, bound, out);
                    }
                }
                expression(v, bound, out);
            }
        }
        Expression::TemplateExpr(t) => {
            if let Ok(template) = Template::from_expr(t) {
                template_refs(&template, bound, out);
            }
        }
        Expression::Parenthesis(inner) => expression(inner, bound, out),
        Expression::Conditional(c) => {
            for x in [&c.cond_expr, &c.true_expr, &c.false_expr] {
                expression(x, bound, out);
            }
        }
        Expression::Operation(op) => match op.as_ref() {
            Operation::Unary(u) => expression(&u.expr, bound, out),
            Operation::Binary(b) => {
                expression(&b.lhs_expr, bound, out);
                expression(&b.rhs_expr, bound, out);
            }
        },
        Expression::ForExpr(f) => {
            expression(&f.collection_expr, bound, out);
            let names = f.key_var.iter().chain([&f.value_var]).map(|i| i.as_str().to_owned());
            let before = bound.len();
            bound.extend(names);
            for x in f.key_expr.iter().chain([&f.value_expr]).chain(f.cond_expr.iter()) {
                expression(x, bound, out);
            }
            bound.truncate(before);
        }
        _ => {}
    }
}

fn template_refs(t: &Template, bound: &mut Vec<String>, out: &mut Vec<Reference>) {
    for el in t.elements() {
        match el {
            Element::Interpolation(i) => expression(&i.expr, bound, out),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(i) => {
                    expression(&i.cond_expr, bound, out);
                    template_refs(&i.true_template, bound, out);
                    if let Some(f) = &i.false_template {
                        template_refs(f, bound, out);
                    }
                }
                Directive::For(f) => {
                    expression(&f.collection_expr, bound, out);
                    let names =
                        f.key_var.iter().chain([&f.value_var]).map(|i| i.as_str().to_owned());
                    let before = bound.len();
                    bound.extend(names);
                    template_refs(&f.template, bound, out);
                    bound.truncate(before);
                }
            },
            Element::Literal(_) => {}
        }
    }
}

fn push(root: &str, attrs: &[&str], bound: &[String], out: &mut Vec<Reference>) {
    if bound.iter().any(|b| b == root) {
        return;
    }
    let mut r = Reference::new(root);
    for a in attrs {
        r = r.attr(*a);
    }
    out.push(r);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(text: &str) -> Vec<String> {
        in_value(&Value::Expr(text.into())).iter().map(|r| r.to_string()).collect()
    }

    #[test]
    fn finds_references_but_not_names_a_for_binds() {
        assert_eq!(names("local.b"), ["local.b"]);
        assert_eq!(
            names("[for x in var.l : upper(x) if x != local.skip]"),
            ["var.l", "local.skip"]
        );
        assert_eq!(
            names("\"${aws_vpc.main.id}-%{ if var.on }x%{ endif }\""),
            ["aws_vpc.main.id", "var.on"]
        );
        assert_eq!(names("data.aws_region.r.name == \"local.a\""), ["data.aws_region.r.name"]);
    }
}
