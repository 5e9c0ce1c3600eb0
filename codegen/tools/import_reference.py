#!/usr/bin/env python3
"""Write spec/*.yaml for chosen Chargebee operations from the machine-readable reference.

Usage: import_reference.py REFERENCE_JSON SPEC_DIR [resource.operation ...]

With no operations named, every operation of the reference is written. The YAML it writes is
the source of truth afterwards; this tool only saves typing when a resource is first
described. Resources returned by the chosen operations (and the resources their fields
reference) are written with every field; shared enums go to spec/enums.yaml.
"""
import json
import re
import sys
from pathlib import Path

# Integer fields holding Unix timestamps, recognised by name (the reference says only "int").
TIMESTAMP_SUFFIXES = ("_at", "_till", "_time", "_timestamp", "_date", "_from", "_to", "_start", "_end", "_since", "_on")
NOT_TIMESTAMPS = {"billing_date", "service_period", "free_period", "billing_period", "trial_period"}
# Resources kept as JSON values when they are only reachable through a catch-all holder.
OPAQUE_RESOURCES = set()
# Fields the reference marks required that Chargebee leaves out: `Content` holds whichever
# resources an event or hosted page carries, and checkout pages have no content until used.
ALL_OPTIONAL = {"Content"}
OPTIONAL_FIELDS = {("HostedPage", "content")}
# Lists events carry under plural keys, which the reference's `Content` does not list.
CONTENT_LISTS = [
    ("subscriptions", "Subscription"),
    ("unbilled_charges", "UnbilledCharge"),
    ("credit_notes", "CreditNote"),
    ("advance_invoice_schedules", "AdvanceInvoiceSchedule"),
]


def snake(name):
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def pascal(name):
    return "".join(part.capitalize() for part in name.split("_"))


def is_timestamp(name):
    return name not in NOT_TIMESTAMPS and (name == "date" or name.endswith(TIMESTAMP_SUFFIXES))


# Plain scalars YAML 1.1 reads as booleans.
YAML11_BOOLEANS = {"y", "n", "yes", "no", "on", "off", "true", "false"}


def q(value):
    return json.dumps(value)


class Importer:
    def __init__(self, ref):
        self.ref = ref
        self.used_enums = set()

    def type_of(self, field, owner, schema=None):
        """Spec type string (plus extra keys) for a reference type."""
        t = field["type"]
        kind = t["kind"]
        name = field["name"]
        if kind == "string":
            return {"type": "string"}
        if kind == "boolean":
            return {"type": "bool"}
        if kind == "any":
            return {"type": "json"}
        if kind == "number":
            number_kind = t.get("number_kind")
            if number_kind is None and schema is not None:
                number_kind = "int" if schema.get("type") == "integer" else "float"
            if number_kind == "float":
                return {"type": "f64"}
            return {"type": "timestamp" if is_timestamp(name) else "i64"}
        if kind == "enum":
            shared = "".join(part.capitalize() for part in name.split("_")) + "Enum"
            if sorted(self.ref["global_enums"].get(shared, [])) == sorted(t["values"]):
                self.used_enums.add(shared)
                return {"type": shared[: -len("Enum")]}
            return {"type": "enum", "values": t["values"]}
        if kind == "array":
            inner = self.type_of({"name": name, "type": t["of"]}, owner, (schema or {}).get("items"))
            out = dict(inner)
            out["type"] = "list<%s>" % inner["type"]
            return out
        if kind == "ref":
            target = t["name"]
            if target in self.ref["global_enums"]:
                self.used_enums.add(target)
                short = target[: -len("Enum")] if target.endswith("Enum") else target
                # A nested type of the same name would hide the shared enum.
                res = self.ref["resources"].get(owner, {})
                inline_enums = {pascal(f["name"]) for f in res.get("fields", []) if f["type"]["kind"] == "enum"}
                hidden = short in res.get("nested", {}) or short in inline_enums
                return {"type": "enums." + short if hidden else short}
            if target == "ContentFor":
                # A webhook's content, generic over the event type in the SDK: `Content` here.
                return {"type": "Content"}
            if target in OPAQUE_RESOURCES:
                return {"type": "json"}
            if "." in target:
                res, nested = target.split(".", 1)
                return {"type": nested if res == owner else target}
            return {"type": target}
        if kind == "intersection" and all(x["kind"] == "ref" and x["name"].endswith("Content") for x in t["of"]):
            # An event's content: one of many `…Content` shapes, all covered by `Content`.
            return {"type": "Content"}
        raise SystemExit("unsupported reference type %r in %s.%s" % (t, owner, name))

    def field_line(self, indent, field, owner, schema=None, with_required=True):
        if owner in ALL_OPTIONAL or (owner, field["name"]) in OPTIONAL_FIELDS:
            with_required = False
        spec = self.type_of(field, owner, schema)
        parts = ["type: %s" % q(spec["type"]) if "<" in spec["type"] else "type: %s" % spec["type"]]
        if "values" in spec:
            parts.append("values: [%s]" % ", ".join(q(v) for v in spec["values"]))
        if with_required and field.get("required"):
            parts.append("required: true")
        if schema and schema.get("maxLength") and spec["type"] == "string":
            parts.append("max_length: %d" % schema["maxLength"])
        return "%s%s: {%s}" % (" " * indent, field["name"], ", ".join(parts))


def main():
    ref_path, spec_dir, *wanted = sys.argv[1:]
    ref = json.load(open(ref_path))
    imp = Importer(ref)
    spec_dir = Path(spec_dir)
    ops_by_resource = {}
    for o in ref["operations"]:
        if not wanted or "%s.%s" % (o["resource"], o["name"]) in wanted:
            ops_by_resource.setdefault(o["resource_type"], []).append(o)

    # Resources to describe: those with chosen operations, what they return, and their references.
    todo = list(ops_by_resource)
    for ops in ops_by_resource.values():
        for o in ops:
            rtype = ref["resources"][o["resource_type"]]["types"][o["response"]]
            todo += response_refs(rtype)
    if not wanted:
        todo += list(ref["resources"])
    done = []
    while todo:
        r = todo.pop()
        if r in done or r in OPAQUE_RESOURCES or r not in ref["resources"]:
            continue
        done.append(r)
        res = ref["resources"][r]
        for f in all_fields(res):
            todo += type_refs(f["type"], ref)

    for r in sorted(done):
        text = write_resource(imp, r, ops_by_resource.get(r, []))
        (spec_dir / ("%s.yaml" % snake(r))).write_text(text)
        print("wrote", spec_dir / ("%s.yaml" % snake(r)))
    lines = [SCHEMA_LINE, "# Enums shared by several resources and operations.", "enums:"]
    for e in sorted(imp.used_enums if wanted else ref["global_enums"]):
        values = ref["global_enums"][e]
        lines.append("  %s: [%s]" % (e[: -len("Enum")], ", ".join(q(v) for v in values)))
    (spec_dir / "enums.yaml").write_text("\n".join(lines) + "\n")
    print("wrote", spec_dir / "enums.yaml")


def all_fields(res):
    out = list(res["fields"])
    for n in res["nested"].values():
        out += n["fields"]
    return out


def type_refs(t, ref):
    if t["kind"] == "ref" and "." not in t["name"] and t["name"] in ref["resources"]:
        return [t["name"]]
    if t["kind"] == "array":
        return type_refs(t["of"], ref)
    return []


def response_refs(rtype):
    out = []
    for f in rtype["fields"]:
        t = f["type"]
        if t["kind"] == "array" and t["of"]["kind"] == "object":
            for g in t["of"]["fields"]:
                out += [x for x in [g["type"].get("name") or g["type"].get("of", {}).get("name")] if x]
        elif t["kind"] == "ref":
            out.append(t["name"])
        elif t["kind"] == "array" and t["of"]["kind"] == "ref":
            out.append(t["of"]["name"])
    return out


def returns_line(imp, owner, fields):
    parts = []
    for f in fields:
        t = f["type"]
        if t["kind"] == "ref":
            ty = "json" if t["name"] in OPAQUE_RESOURCES else t["name"]
        elif t["kind"] == "array" and t["of"]["kind"] == "ref":
            ty = "list<%s>" % t["of"]["name"]
        else:
            ty = imp.type_of(f, owner)["type"]
        # An optional key is quoted: PyYAML refuses a bare `key?:` inside a flow mapping.
        key = f["name"] if f["required"] else q(f["name"] + "?")
        parts.append("%s: %s" % (key, q(ty) if "<" in ty else ty))
    return "{%s}" % ", ".join(parts)


# The first line of every spec file: editors with a YAML language server check the file
# against the spec's JSON Schema.
SCHEMA_LINE = "# yaml-language-server: $schema=spec.schema.json"


def write_resource(imp, r, ops):
    res = imp.ref["resources"][r]
    out = [SCHEMA_LINE, "resource: %s" % r]
    if res.get("extra_keys"):
        out.append("extra_keys: true")
    # An empty mapping is written `{}`: a bare `fields:` is null, not an empty mapping.
    out.append("fields:" if res["fields"] or r == "Content" else "fields: {}")
    for f in res["fields"]:
        out.append(imp.field_line(2, f, r))
    if r == "Content":
        out += ['  %s: {type: "list<%s>"}' % pair for pair in CONTENT_LISTS]
    if res["nested"]:
        out.append("nested:")
        for name in res["nested"]:
            out.append("  %s:" % name)
            out.append("    fields:")
            for f in res["nested"][name]["fields"]:
                out.append(imp.field_line(6, f, r))
    if ops:
        out.append("operations:")
    for o in ops:
        out += write_operation(imp, r, o)
    return "\n".join(out) + "\n"


def write_operation(imp, r, o):
    res = imp.ref["resources"][r]
    out = ["  %s:" % snake(o["name"])]
    out.append("    method: %s" % o["http_method"])
    path = o["path"]
    input_names = {f["name"] for f in res["types"][o["input"]["type"]]["fields"]} if o["input"] else set()
    if o["path_param"] and o["path_param"] in input_names:
        # The body has a parameter of the same name (attached items: the item to attach);
        # the path's one is the parent's, named so in Rust. The wire path is unchanged.
        path = path.replace("{%s}" % o["path_param"], "{parent_%s}" % o["path_param"])
    out.append("    path: %s" % path)
    if o["subdomain"]:
        out.append("    subdomain: %s" % o["subdomain"])
    if o["json_body"]:
        out.append("    body: json")
    if o["idempotent"]:
        out.append("    idempotent: true")
    if o["is_list"]:
        out.append("    paginated: true")
    if takes_extra_keys(o.get("params_schema")):
        out.append("    custom_fields: true")
    schema = (o.get("params_schema") or {}).get("properties", {})
    params, filters, sort_by = [], [], None
    if o["input"]:
        for f in res["types"][o["input"]["type"]]["fields"]:
            name = f["name"]
            if o["is_list"] and name in ("limit", "offset"):
                continue
            if name.startswith("sort_by["):
                sort_by = schema.get("sort_by", {}).get("properties", {}).get("asc", {}).get("enum", [])
                continue
            if f["type"]["kind"] == "filter":
                filters.append((name, f["type"]["name"], schema.get(name, {})))
                continue
            if f["type"]["kind"] == "ref" and f["type"]["name"].endswith("InputParam"):
                sub = res["types"][f["type"]["name"]]
                if all(g["type"]["kind"] == "filter" for g in sub["fields"]):
                    # A group of filters (relationship[parent_id][is]): dotted filter names.
                    group = schema.get(name, {})
                    sub_schema = group.get("items", group).get("properties", {})
                    for g in sub["fields"]:
                        filters.append(("%s.%s" % (name, g["name"]), g["type"]["name"], sub_schema.get(g["name"], {})))
                    continue
                params += write_object_param(imp, r, name, f, sub, schema.get(name, {}), False)
                continue
            if f["type"]["kind"] == "array" and f["type"]["of"]["kind"] == "ref" and f["type"]["of"]["name"].endswith("InputParam"):
                sub = res["types"][f["type"]["of"]["name"]]
                params += write_object_param(imp, r, name, f, sub, schema.get(name, {}), True)
                continue
            params.append(imp.field_line(6, f, r, schema.get(name)))
    if params:
        out.append("    params:")
        out += params
    if filters:
        out.append("    filters:")
        for name, kind, s in filters:
            # Without a schema for the field, the kind's own operators stand.
            ops = list(s.get("properties", {}).keys()) or [f["name"] for f in imp.ref["filters"][kind]]
            # `on` is quoted: YAML 1.1 parsers read a bare `on` as `true`.
            ops = [q(o) if o in YAML11_BOOLEANS else o for o in ops]
            parts = ["kind: %s" % kind.lower(), "ops: [%s]" % ", ".join(ops)]
            if kind == "Enum":
                values = s.get("properties", {}).get("is", {}).get("enum") or s.get("properties", {}).get("in", {}).get("enum", [])
                same = resource_enum_named(imp, r, name.split(".")[-1], values or None)
                if same:
                    parts.append("enum: %s" % same)
                else:
                    parts.append("values: [%s]" % ", ".join(q(v) for v in values))
            out.append("      %s: {%s}" % (name, ", ".join(parts)))
    if sort_by:
        out.append("    sort_by: [%s]" % ", ".join(sort_by))
    rtype = res["types"][o["response"]]
    if o["is_list"]:
        entry = rtype["fields"][0]["type"]["of"]["fields"]
        out.append("    returns: %s" % returns_line(imp, r, entry))
    else:
        fields = [f for f in rtype["fields"] if f["name"] != "next_offset"]
        out.append("    returns: %s" % returns_line(imp, r, fields))
    return out


def takes_extra_keys(schema):
    """Whether a parameter schema takes keys it does not name (custom fields)."""
    return isinstance(schema, dict) and schema.get("additionalProperties") not in (None, False)


def resource_enum_named(imp, r, name, values):
    """The enum type of resource field `name` when it has exactly these values (any values
    when `values` is None)."""
    for f in imp.ref["resources"][r]["fields"]:
        if f["name"] != name:
            continue
        t = f["type"]
        same = lambda vs: values is None or sorted(vs) == sorted(values)
        if t["kind"] == "enum" and same(t["values"]):
            return "".join(part.capitalize() for part in name.split("_"))
        if t["kind"] == "ref" and t["name"] in imp.ref["global_enums"] and same(imp.ref["global_enums"][t["name"]]):
            return t["name"][: -len("Enum")]
    return None


def write_object_param(imp, r, name, f, sub, schema, is_list):
    props = schema.get("properties", {})
    out = ["      %s:" % name, "        type: %s" % ("list<object>" if is_list else "object").join(['"', '"'] if is_list else ["", ""])]
    if f.get("required"):
        out.append("        required: true")
    if not is_list and takes_extra_keys(schema):
        out.append("        custom_fields: true")
    out.append("        fields:")
    for g in sub["fields"]:
        gs = props.get(g["name"])
        if is_list and gs is not None:
            gs = gs.get("items", gs)
        out.append(imp.field_line(10, g, r, gs))
    return out


if __name__ == "__main__":
    main()
