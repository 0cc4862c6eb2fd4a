# syntax=docker/dockerfile:1
# voss-customers as a small image: a static musl build in the first stage, then only the
# binary on Alpine (which keeps a shell, as GitLab CI jobs need one), run as a non-root user.
#
#   docker build -t voss-customers .
#   docker run --rm -v "$PWD:/work" voss-customers validate customers
#   docker run --rm -v "$PWD:/work" voss-customers plan examples/customers --sim examples/sim-seed.yaml
#
# TLS is rustls with the Mozilla roots built in (no OpenSSL, no CA bundle needed); a
# self-signed VOSS server is trusted with --ca-cert FILE / VOSS_CA_CERT.

FROM rust:1.90-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
# The dependencies first, so that a change of the sources does not rebuild them.
COPY Cargo.toml Cargo.lock ./
RUN mkdir src && echo 'fn main() {}' > src/main.rs && touch src/lib.rs \
    && cargo build --release --locked \
    && rm -rf src
COPY src src
# Newer mtimes than the placeholder build, so cargo rebuilds the crate itself.
RUN touch src/main.rs src/lib.rs \
    && cargo build --release --locked --bin voss-customers \
    && strip target/release/voss-customers \
    && ./target/release/voss-customers --version

FROM alpine:3.22
RUN adduser -D -H -u 10001 voss
COPY --from=build /src/target/release/voss-customers /usr/local/bin/voss-customers
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["voss-customers"]
CMD ["--help"]
