#!/bin/sh
# Copies the seed inputs of every fuzz target into fuzz/corpus/TARGET/ (not committed:
# corpus/ is in fuzz/.gitignore): the examples, the test fixtures, the golden plan, the
# built-in API profile and every committed regression input. Run it from anywhere, before
# the first `cargo fuzz run`; running it again only adds files.
set -eu
fuzz=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$fuzz")
corpus="$fuzz/corpus"
for target in desired_file sim_seed saved_plan api_answer profile; do
    mkdir -p "$corpus/$target"
done

# copy TARGET FILE...: each file under a name made from its path.
copy() {
    target=$1
    shift
    for file in "$@"; do
        [ -f "$file" ] || continue
        name=$(printf '%s' "${file#"$root"/}" | tr '/' '_')
        cp "$file" "$corpus/$target/$name"
    done
}

# answer NAME KIND [ID]: stdin as an api_answer input, KIND being the first byte (the
# index in tests/fuzz_support/mod.rs ANSWERS); a poll answer is preceded by `ID\n`.
answer() {
    out="$corpus/api_answer/$1"
    printf "\\$(printf '%03o' "$2")" >"$out"
    if [ $# -ge 3 ]; then printf '%s\n' "$3" >>"$out"; fi
    cat >>"$out"
}

copy desired_file $(find "$root/examples/customers" "$root/examples/invalid" -name '*.yaml' | sort)
copy sim_seed "$root/examples/sim-seed.yaml"
copy saved_plan "$root/tests/golden/plan.json"
copy profile "$root/src/voss/profile.yaml"

fixtures="$root/tests/fixtures/api"
answer list-customers 0 <"$fixtures/customer_list.json"
answer instance-customer 1 <<'JSON'
{"pkid": "5c0f6c3e7d1a4e0012345678", "meta": {"path": ["a", "b", "c", "5c0f6c3e7d1a4e0012345678"], "version_tag": "7", "references": {"self": [{"pkid": "5c0f6c3e7d1a4e0012345678", "href": "/api/relation/HcsCustomerREL/5c0f6c3e7d1a4e0012345678"}]}}, "data": {"name": "Acme", "hierarchy_path": "sys.hcs.CS-P.CS-R1", "description": "d", "directoryDomain": "acme.example", "publicSector": "false", "dealIds": "D-1,D-2", "primeCollaboration": "", "disableNumMgmt": true, "node_type": {"name": "Customer"}}}
JSON
poll_id=$(sed -n 's/^{"\([^"]*\)".*/\1/p' "$fixtures/poll.json")
answer poll 2 "$poll_id" <"$fixtures/poll.json"
answer write 3 <<'JSON'
{"success": true, "href": "/api/tool/Transaction/0d3a6b2e-1f4c-4a57-9a7e-3c1d2b4e5f60", "transaction_id": "0d3a6b2e-1f4c-4a57-9a7e-3c1d2b4e5f60"}
JSON
answer error 4 <<'JSON'
{"success": false, "code": 400, "message": "Validation failed", "errors": [{"field": "name", "message": "already exists"}]}
JSON
answer transaction 5 <<'JSON'
{"data": {"status": "Fail", "message": "Customer name already exists"}}
JSON
answer add-form 6 <<'JSON'
{"meta": {"api_version": "24.2", "model_type": "relation/HcsCustomerREL"}, "schema": {"type": "object", "properties": {"name": {"type": "string", "maxLength": 64, "required": true}, "description": {"type": "string"}, "directoryDomain": {"type": "string"}, "publicSector": {"type": "boolean"}, "defaultAdminPassword": {"type": "string", "is_password": true}, "pkid": {"type": "string", "readonly": true}}}}
JSON

for target in desired_file sim_seed saved_plan api_answer profile; do
    copy "$target" $(find "$root/tests/fuzz_regressions/$target" -type f 2>/dev/null | sort)
done
for target in desired_file sim_seed saved_plan api_answer profile; do
    echo "$target: $(ls "$corpus/$target" | wc -l) seed inputs"
done
