//! `--query`: a JMESPath expression applied to the answer where the AWS CLI
//! applies it: to the whole answer (every page merged) for JSON, to each
//! page and the closing `NextToken` for text.
//!
//! The engine's objects are sorted maps; the AWS CLI prints an object in
//! the order its members came (the answer's for one taken from it, the
//! expression's for a `{...}` it makes). So JSON output puts every object's
//! members back in that order: a `{...}`'s keys as written, else those of
//! an object of the answer with the same keys.

use crate::Failure;
use jmespath::ast::Ast;
use serde_json::Value;
use std::collections::HashMap;

/// A compiled `--query` expression.
pub struct Query {
    text: String,
    compiled: jmespath::Expression<'static>,
}

impl Query {
    /// Compiles `text`; a bad expression is an error naming the position.
    pub fn parse(text: &str) -> Result<Self, String> {
        let compiled = jmespath::compile(text)
            .or_else(|error| jmespath::compile(&with_quoted_literals(text).ok_or(error.clone())?).map_err(|_| error))
            .map_err(|e| format!("Bad value for --query {text}: {e}"))?;
        Ok(Self { text: text.to_owned(), compiled })
    }

    /// What it finds in `value`, for text output (which sorts members
    /// itself).
    pub fn search(&self, value: &Value) -> Result<Value, Failure> {
        let found = self
            .compiled
            .search(value)
            .map_err(|e| Failure::new(Failure::OTHER, format!("--query {}: {e}", self.text)))?;
        serde_json::to_value(&*found).map_err(|e| Failure::new(Failure::OTHER, format!("--query: {e}")))
    }

    /// What it finds in `answer` (JSON text): the value, and its JSON with
    /// every object's members in the AWS CLI's order.
    pub fn search_json(&self, answer: &str) -> Result<(Value, String), Failure> {
        let value: Value =
            serde_json::from_str(answer).map_err(|e| Failure::new(Failure::OTHER, format!("garbled answer: {e}")))?;
        let found = self.search(&value)?;
        let mut orders = HashMap::new();
        answer_orders(answer, &mut orders);
        expression_orders(self.compiled.as_ast(), &mut orders);
        let mut json = String::new();
        write_ordered(&found, &orders, &mut json);
        Ok((found, json))
    }
}

/// Member orders by the sorted set of member names.
type Orders = HashMap<Vec<String>, Vec<String>>;

fn sorted(keys: &[String]) -> Vec<String> {
    let mut keys = keys.to_vec();
    keys.sort();
    keys
}

/// The member order of every object of `answer` (JSON text; the first
/// object of each member set), read from the text: the parsed value's maps
/// are sorted.
fn answer_orders(answer: &str, orders: &mut Orders) {
    enum Frame {
        /// The keys so far, and whether a key comes next.
        Object(Vec<String>, bool),
        Array,
    }
    let bytes = answer.as_bytes();
    let mut stack = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => stack.push(Frame::Object(Vec::new(), true)),
            b'[' => stack.push(Frame::Array),
            b'}' | b']' => {
                if let Some(Frame::Object(keys, _)) = stack.pop() {
                    orders.entry(sorted(&keys)).or_insert(keys);
                }
            }
            b',' => {
                if let Some(Frame::Object(_, key_next)) = stack.last_mut() {
                    *key_next = true;
                }
            }
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if let Some(Frame::Object(keys, key_next @ true)) = stack.last_mut() {
                    keys.push(serde_json::from_str(&answer[start..=i.min(bytes.len() - 1)]).unwrap_or_default());
                    *key_next = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
}

/// The order of every `{...}` of the expression, which wins.
fn expression_orders(ast: &Ast, orders: &mut Orders) {
    let mut children: Vec<&Ast> = Vec::new();
    match ast {
        Ast::MultiHash { elements, .. } => {
            let keys: Vec<String> = elements.iter().map(|pair| pair.key.clone()).collect();
            orders.insert(sorted(&keys), keys);
            children.extend(elements.iter().map(|pair| &pair.value));
        }
        Ast::Comparison { lhs, rhs, .. }
        | Ast::Projection { lhs, rhs, .. }
        | Ast::And { lhs, rhs, .. }
        | Ast::Or { lhs, rhs, .. }
        | Ast::Subexpr { lhs, rhs, .. } => children.extend([&**lhs, &**rhs]),
        Ast::Condition { predicate, then, .. } => children.extend([&**predicate, &**then]),
        Ast::Expref { ast, .. } => children.push(ast),
        Ast::Flatten { node, .. } | Ast::Not { node, .. } | Ast::ObjectValues { node, .. } => children.push(node),
        Ast::Function { args, .. } | Ast::MultiList { elements: args, .. } => children.extend(args),
        Ast::Identity { .. } | Ast::Field { .. } | Ast::Index { .. } | Ast::Literal { .. } | Ast::Slice { .. } => {}
    }
    for child in children {
        expression_orders(child, orders);
    }
}

/// Compact JSON of `value`, each object's members in `orders`' order where
/// it has one (else sorted).
fn write_ordered(value: &Value, orders: &Orders, out: &mut String) {
    match value {
        Value::Object(object) => {
            let keys: Vec<String> = object.keys().cloned().collect();
            let order = orders.get(&keys).cloned().unwrap_or(keys);
            out.push('{');
            for (i, key) in order.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(key.clone()).to_string());
                out.push(':');
                write_ordered(&object[key], orders, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_ordered(item, orders, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// `text` with each `` `literal` `` that is not JSON made a JSON string,
/// as jmespath.py (the AWS CLI's) still reads them (JEP 12's deprecated
/// form, common in scripts: `` [?imageTagMutability==`IMMUTABLE`] ``);
/// none when there is no such literal.
fn with_quoted_literals(text: &str) -> Option<String> {
    let (mut out, mut changed) = (String::with_capacity(text.len()), false);
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        // Raw strings and quoted identifiers are copied as they are.
        let close = match c {
            '\'' | '"' | '`' => c,
            _ => continue,
        };
        let mut body = String::new();
        let mut closed = false;
        while let Some(c) = chars.next() {
            if c == '\\' {
                body.push(c);
                body.extend(chars.next());
            } else if c == close {
                closed = true;
                break;
            } else {
                body.push(c);
            }
        }
        if close == '`' && closed {
            let lexeme = body.replace("\\`", "`");
            if serde_json::from_str::<Value>(&lexeme).is_err() {
                if let Ok(string) = serde_json::from_str::<String>(&format!("\"{}\"", lexeme.trim_start())) {
                    body = Value::String(string).to_string().replace('`', "\\`");
                    changed = true;
                }
            }
        }
        out.push_str(&body);
        if closed {
            out.push(close);
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_keep_the_answers_order_and_the_expressions() {
        let answer = r#"{"b\"}":{"z":1,"a":[{"y":"}","x":2}]},"a":true}"#;
        let (_, json) = Query::parse("@").unwrap().search_json(answer).unwrap();
        assert_eq!(json, answer, "every object as the answer wrote it, escapes and brackets in strings included");
        let (_, json) = Query::parse("{zz: a, aa: `1`}").unwrap().search_json(answer).unwrap();
        assert_eq!(json, r#"{"zz":true,"aa":1}"#);
        assert!(Query::parse("a[?").err().unwrap().starts_with("Bad value for --query a[?: "));
    }

    #[test]
    fn literals_that_are_not_json_are_strings_as_in_jmespath_py() {
        assert_eq!(with_quoted_literals("[?m==`IMMUTABLE`]").as_deref(), Some(r#"[?m==`"IMMUTABLE"`]"#));
        // JSON literals, raw strings and quoted identifiers stay as written.
        assert_eq!(with_quoted_literals(r#"[?a==`1` && b=='x`y' && "c`d"==`"e"`]"#), None);
        // jmespath.py strips leading blanks and unescapes \`.
        assert_eq!(with_quoted_literals(r"`  a\`b`").as_deref(), Some(r#"`"a\`b"`"#));
        let (found, _) = Query::parse(r"`  a\`b`").unwrap().search_json("{}").unwrap();
        assert_eq!(found, serde_json::json!("a`b"));
        let answer = r#"{"repositories":[{"m":"IMMUTABLE","n":"a"},{"m":"MUTABLE","n":"b"}]}"#;
        let (found, _) = Query::parse("repositories[?m==`IMMUTABLE`].n").unwrap().search_json(answer).unwrap();
        assert_eq!(found, serde_json::json!(["a"]));
        assert!(Query::parse("a[?b==`unclosed").is_err());
    }
}
