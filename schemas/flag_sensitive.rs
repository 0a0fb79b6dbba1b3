// Included by build.rs and by a test of src/schema/binary.rs: one reading
// of schemas/sensitive.txt for both.

/// Sets Terraform's `sensitive` flag on the attributes `schemas/sensitive.txt`
/// lists for `provider`, which the generated schemas lack.
fn flag_sensitive(provider: &str, doc: &mut serde_json::Value) {
    let list = concat!(env!("CARGO_MANIFEST_DIR"), "/schemas/sensitive.txt");
    let text = std::fs::read_to_string(list).unwrap_or_else(|e| panic!("{list}: {e}"));
    let Some(schemas) = doc["provider_schemas"].as_object_mut().and_then(|m| m.values_mut().next())
    else {
        return;
    };
    for line in text.lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let words: Vec<&str> = line.split_whitespace().collect();
        let [p, kind, type_name, path] = words[..] else { panic!("{list}: `{line}`") };
        if p != provider {
            continue;
        }
        let kind = match kind {
            "resource" => "resource_schemas",
            "data" => "data_source_schemas",
            _ => panic!("{list}: `{line}`: resource or data"),
        };
        let mut block = &mut schemas[kind][type_name]["block"];
        let segments: Vec<&str> = path.split('.').collect();
        let (last, outer) = segments.split_last().unwrap_or_else(|| panic!("{list}: `{line}`"));
        for seg in outer {
            block = if block["block_types"].get(*seg).is_some() {
                &mut block["block_types"][*seg]["block"]
            } else {
                &mut block["attributes"][*seg]["nested_type"]
            };
        }
        match block.get_mut("attributes").and_then(|a| a.get_mut(*last)) {
            Some(serde_json::Value::Object(a)) => {
                a.insert("sensitive".into(), serde_json::Value::Bool(true));
            }
            _ => panic!("{list}: `{line}`: the schema has no such attribute"),
        }
    }
}
