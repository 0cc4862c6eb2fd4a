//! Answers carrying many instances (a page of 2000 customers), written as JSON bytes
//! exactly as serde_json writes the wire types that `resources` builds ([`Resource`] with
//! [`resources::meta`], [`ListBody`]), byte for byte, without building them: the meta
//! keys every instance shares are serialised once per process, the `meta.path` and parent
//! reference of the last parent are kept for the next instance (a list walks its
//! instances parent by parent), and nothing is built as a `serde_json::Value`.
//!
//! The tests below hold the two renderings to the same bytes.
//!
//! [`Resource`]: crate::voss::wire::Resource
//! [`ListBody`]: crate::voss::wire::ListBody

use std::sync::LazyLock;

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use super::resources::{self, ACTIONS, FixedMeta, Instance, OrderBy, Window};
use super::store::{Store, prefixes};

/// What every instance's meta shares, serialised.
struct Fixed {
    /// `,"cached":…,"tags":[]`: the keys between `title` and `actions`.
    middle: Vec<u8>,
    /// Per action: `{"NAME":{"class":…,"href":` and what follows the href.
    actions: Vec<(Vec<u8>, Vec<u8>)>,
    /// `,"api_version":…}`: the last key, and the meta's end.
    tail: Vec<u8>,
}

static FIXED: LazyLock<Fixed> = LazyLock::new(|| {
    let fixed = FixedMeta::new();
    let mut middle = Vec::new();
    for (key, value) in [
        ("cached", &fixed.cached),
        ("schema_version", &fixed.schema_version),
        ("summary", &fixed.summary),
        ("summary_attrs", &fixed.summary_attrs),
        ("business_key", &fixed.business_key),
        ("tagged_versions", &fixed.tagged_versions),
        ("tags", &fixed.tags),
    ] {
        middle.push(b',');
        string(&mut middle, key);
        middle.push(b':');
        json(&mut middle, value);
    }
    // An action is a JSON object (a map): its keys come out sorted.
    let actions = ACTIONS
        .iter()
        .map(|a| {
            let mut before = b"{".to_vec();
            string(&mut before, a.name);
            before.extend_from_slice(b":{\"class\":");
            string(&mut before, a.class);
            before.extend_from_slice(b",\"href\":");
            let mut after = b",\"method\":".to_vec();
            string(&mut after, a.method);
            after.extend_from_slice(b",\"support_async\":");
            json(&mut after, &a.support_async);
            after.extend_from_slice(b",\"title\":");
            string(&mut after, a.title);
            after.extend_from_slice(b"}}");
            (before, after)
        })
        .collect();
    let mut tail = b",\"api_version\":".to_vec();
    json(&mut tail, &fixed.api_version);
    tail.push(b'}');
    Fixed {
        middle,
        actions,
        tail,
    }
});

/// Writes a JSON string (quoted, escaped) as serde_json does. It escapes only `"`, `\`
/// and the control characters below 0x20: a text without them (every pkid and href) is
/// copied as it is.
fn string(out: &mut Vec<u8>, text: &str) {
    let plain = text.bytes().fold(true, |plain, b| {
        plain & (b >= 0x20 && b != b'"' && b != b'\\')
    });
    if plain {
        out.reserve(text.len() + 2);
        out.push(b'"');
        out.extend_from_slice(text.as_bytes());
        out.push(b'"');
    } else {
        json(out, text);
    }
}

/// Writes any value serde_json can write; the simulator's own types always can.
fn json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    // Writing to a Vec fails only for a type whose `Serialize` fails (a map with
    // non-string keys): none is given here. Should one be, the answer's JSON breaks
    // visibly rather than the simulator stopping.
    let _ = serde_json::to_writer(out, value);
}

/// Writes instances as `Resource` JSON into one buffer.
pub struct Emitter<'s> {
    store: &'s Store,
    out: Vec<u8>,
    /// The parent path whose `ancestors` and `parent_ref` are at hand.
    parent: Option<String>,
    /// `meta.path` without the instance: the pkids of `sys` down to the parent, each
    /// followed by a comma.
    ancestors: Vec<u8>,
    /// `references.parent`: `[{"pkid":…}]`, or `[]` when the parent is not a node.
    parent_ref: Vec<u8>,
    /// The instance's own href, rebuilt for each.
    own: String,
}

impl<'s> Emitter<'s> {
    /// An emitter with an empty output, reading node pkids (for `meta.path` and the
    /// parent reference) from `store`.
    pub fn new(store: &'s Store) -> Self {
        Emitter {
            store,
            out: Vec::new(),
            parent: None,
            ancestors: Vec::new(),
            parent_ref: Vec::new(),
            own: String::new(),
        }
    }

    /// The JSON written so far.
    pub fn into_bytes(self) -> Vec<u8> {
        self.out
    }

    fn at_parent(&mut self, parent: &str) {
        if self.parent.as_deref() == Some(parent) {
            return;
        }
        self.ancestors.clear();
        for node in prefixes(parent).filter_map(|p| self.store.node_pkid(p)) {
            string(&mut self.ancestors, node);
            self.ancestors.push(b',');
        }
        self.parent_ref.clear();
        match self.store.node_pkid(parent) {
            Some(node) => {
                self.parent_ref.extend_from_slice(b"[{\"pkid\":");
                string(&mut self.parent_ref, node);
                self.parent_ref.extend_from_slice(b"}]");
            }
            None => self.parent_ref.extend_from_slice(b"[]"),
        }
        self.parent = Some(parent.to_owned());
    }

    /// Writes `instance` as `serde_json` writes `instance.resource(store)`.
    pub fn resource<T: Serialize>(&mut self, instance: &Instance<'_, T>) {
        let fixed = &*FIXED;
        self.at_parent(instance.parent);
        self.own.clear();
        super::rules::write_href(&mut self.own, instance.model_type, instance.pkid);
        let pkid = instance.pkid;
        let out = &mut self.out;
        out.extend_from_slice(b"{\"pkid\":");
        string(out, pkid);
        out.extend_from_slice(b",\"meta\":{\"path\":[");
        out.extend_from_slice(&self.ancestors);
        string(out, pkid);
        out.extend_from_slice(b"],\"references\":{\"self\":[{\"pkid\":");
        string(out, pkid);
        out.extend_from_slice(b",\"href\":");
        string(out, &self.own);
        out.extend_from_slice(b"}],\"parent\":");
        out.extend_from_slice(&self.parent_ref);
        out.extend_from_slice(
            b",\"children\":[],\"owner\":[{\"pkid\":\"\"}],\"device\":[{\"pkid\":\"\",\"href\":\"\"}],\"foreign_key\":[]},\"model_type\":",
        );
        string(out, instance.model_type);
        out.extend_from_slice(b",\"title\":");
        string(out, instance.title);
        out.extend_from_slice(&fixed.middle);
        out.extend_from_slice(b",\"actions\":[");
        for (i, (action, a)) in fixed.actions.iter().zip(&ACTIONS).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(&action.0);
            if a.suffix.is_empty() {
                string(out, &self.own);
            } else {
                let len = self.own.len();
                self.own.push_str(a.suffix);
                string(out, &self.own);
                self.own.truncate(len);
            }
            out.extend_from_slice(&action.1);
        }
        out.push(b']');
        out.extend_from_slice(&fixed.tail);
        out.extend_from_slice(b",\"data\":");
        json(out, &instance.data);
        out.push(b'}');
    }
}

/// One page of a list whose length is known (`total`) and whose items are given from
/// the window's `skip` on, as JSON: what `serde_json` writes for the [`ListBody`] of
/// [`resources::page_from`] with the same arguments. Only the page is walked.
///
/// [`ListBody`]: crate::voss::wire::ListBody
#[allow(clippy::too_many_arguments)]
pub fn page_from<'a, I, T: Serialize>(
    store: &Store,
    model_type: &str,
    node_pkid: &str,
    order_by: OrderBy,
    total: u64,
    items_from_skip: impl Iterator<Item = I>,
    window: Window,
    render: impl Fn(I) -> Option<Instance<'a, T>>,
) -> Vec<u8> {
    let envelope = resources::body::<T>(model_type, node_pkid, order_by, total, Vec::new(), window);
    let mut emitter = Emitter::new(store);
    let out = &mut emitter.out;
    out.extend_from_slice(b"{\"operations\":");
    json(out, &envelope.operations);
    out.extend_from_slice(b",\"pagination\":");
    json(out, &envelope.pagination);
    out.extend_from_slice(b",\"meta\":");
    json(out, &envelope.meta);
    out.extend_from_slice(b",\"resources\":[");
    let limit = usize::try_from(window.limit).unwrap_or(usize::MAX);
    let mut written = 0usize;
    for item in items_from_skip.take(limit) {
        let Some(instance) = render(item) else {
            continue;
        };
        if written > 0 {
            emitter.out.push(b',');
        }
        let before = emitter.out.len();
        emitter.resource(&instance);
        if written == 0 {
            // The page's instances are much alike: room for the rest at once.
            // Bounded: one customer with a long description must not make a page
            // reserve its size times the page's length.
            let one = (emitter.out.len() - before + 1).min(MAX_RECORD_GUESS);
            let rest = limit.min(total_left(total, window)).saturating_sub(1);
            let room = one.saturating_mul(rest).saturating_add(one);
            emitter.out.reserve(room.min(MAX_PAGE_RESERVE));
        }
        written += 1;
    }
    emitter.out.extend_from_slice(b"]}");
    emitter.into_bytes()
}

/// The most room (bytes) one record's size may ask for ahead of each of the page's other
/// records: a full customer is about 1.8 kB.
const MAX_RECORD_GUESS: usize = 8 * 1024;

/// The most room (bytes) a page reserves ahead; past it the buffer grows as it fills.
const MAX_PAGE_RESERVE: usize = 32 * 1024 * 1024;

/// How many items the list has from the window's `skip` on.
fn total_left(total: u64, window: Window) -> usize {
    usize::try_from(total.saturating_sub(window.skip)).unwrap_or(usize::MAX)
}

/// An HTTP 200 answer with JSON `body`, with the headers `axum::Json` sets.
pub fn response(body: Vec<u8>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        )],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::resources::{customer_instance, node_instance};
    use crate::sim::store::{CustomerRec, Dependents, Fields, NodeType};

    fn customer(store: &mut Store, parent: &str, fields: Fields) {
        let pkid = store.new_pkid();
        let node = format!("{parent}.{}", fields.name);
        store.add_node(&node, NodeType::Customer, None, Some(pkid.clone()));
        let data_pkid = store.new_pkid();
        store.insert_customer(CustomerRec {
            pkid,
            data_pkid,
            parent: parent.to_owned(),
            version: "1".to_owned(),
            fields,
            dependents: Dependents::default(),
            internal_numbers: Vec::new(),
            e164_numbers: Vec::new(),
        });
    }

    /// Customers under two resellers, the provider and `sys.hcs`, with every field
    /// set, texts that JSON escapes, and one whose parent is not a node.
    fn store() -> Store {
        let mut store = Store::new();
        store.add_node(
            "sys.hcs.P",
            NodeType::Provider,
            Some("p.example".into()),
            None,
        );
        for r in ["R1", "R\"2\\"] {
            store.add_node(&format!("sys.hcs.P.{r}"), NodeType::Reseller, None, None);
        }
        for (i, parent) in ["sys.hcs.P.R1", "sys.hcs.P.R\"2\\", "sys.hcs.P", "sys.hcs"]
            .into_iter()
            .enumerate()
        {
            for j in 0..3 {
                customer(
                    &mut store,
                    parent,
                    Fields {
                        name: format!("C{i}-{j} \"q\" é\n\u{1}"),
                        description: "tab\there / </script>".into(),
                        extended_name: format!("X{j}"),
                        external_customer_id: "E\\1".into(),
                        domain_name: "d.example".into(),
                        public_sector: j % 2 == 0,
                        inactive_billing: j == 1,
                        create_admin: true,
                        cloned_admin_role: "Role \u{7f}".into(),
                        default_admin_role: "R".into(),
                        account_id: "A".into(),
                        deal_ids: "1,2".into(),
                        prime_collaboration: "PC".into(),
                        shared_uc_apps: true,
                        disable_num_mgmt: j == 2,
                    },
                );
            }
        }
        // A record whose parent node is gone: no parent reference, a shorter path.
        let mut orphan = store.customers.values().next().cloned().expect("seeded");
        orphan.pkid = store.new_pkid();
        orphan.parent = "sys.hcs.P.Gone".into();
        store.insert_customer(orphan);
        store
    }

    #[test]
    fn texts_are_written_as_serde_json_writes_them() {
        for c in (0u32..0x800)
            .chain([0xfffd, 0x1f600])
            .filter_map(char::from_u32)
        {
            for text in [c.to_string(), format!("a{c}b/c"), format!("{c}{c}")] {
                let mut out = Vec::new();
                string(&mut out, &text);
                assert_eq!(out, serde_json::to_vec(&text).unwrap(), "{text:?}");
            }
        }
    }

    #[test]
    fn an_instance_is_written_as_its_resource_serialises() {
        let store = store();
        for c in store.customers.values() {
            for full in [true, false] {
                let mut emitter = Emitter::new(&store);
                emitter.resource(&customer_instance(c, full));
                let expected =
                    serde_json::to_vec(&customer_instance(c, full).resource(&store)).unwrap();
                assert_eq!(
                    String::from_utf8(emitter.into_bytes()).unwrap(),
                    String::from_utf8(expected).unwrap()
                );
            }
        }
        let mut emitter = Emitter::new(&store);
        let mut expected = Vec::new();
        for (path, node) in &store.nodes {
            emitter.resource(&node_instance(path, node));
            expected
                .extend(serde_json::to_vec(&node_instance(path, node).resource(&store)).unwrap());
        }
        assert_eq!(
            String::from_utf8(emitter.into_bytes()).unwrap(),
            String::from_utf8(expected).unwrap()
        );
    }

    #[test]
    fn a_page_is_written_as_its_list_body_serialises() {
        let store = store();
        let pkids: Vec<&String> = store.pkids_under("sys").collect();
        let total = pkids.len() as u64;
        for (skip, limit, count) in [(0, 100, true), (0, 5, true), (4, 5, false), (12, 5, true)] {
            for full in [true, false] {
                let window = Window {
                    skip,
                    limit,
                    count,
                    maximum_limit: 100,
                };
                let render = |pkid: &&String| {
                    store
                        .customers
                        .get(*pkid)
                        .map(|c| customer_instance(c, full))
                };
                let items = || pkids.iter().skip(skip as usize);
                let fast = page_from(
                    &store,
                    "relation/HcsCustomerREL",
                    "0123456789abcdef01234567",
                    OrderBy::Name,
                    total,
                    items(),
                    window,
                    render,
                );
                let slow = resources::page_from(
                    "relation/HcsCustomerREL",
                    "0123456789abcdef01234567",
                    OrderBy::Name,
                    total,
                    items(),
                    window,
                    |p| render(p).map(|i| i.resource(&store)),
                );
                assert_eq!(
                    String::from_utf8(fast).unwrap(),
                    serde_json::to_string(&slow).unwrap(),
                    "skip {skip} limit {limit}"
                );
            }
        }
    }
}
