// TlsOptions: how a client checks the server of a wss:// or https:// connection.
// By default against the system's CA store (OpenSSL's default verify paths), with
// SNI and host name verification, as the public exchanges require.
#pragma once

#include <string>

namespace rtml::ingest::net {

struct TlsOptions {
  // A PEM file of CA certificates trusted in addition to the system store, e.g. the
  // self-signed certificate of a test server. Empty (default): system store only.
  std::string ca_file;
  // Verify the certificate chain and that it names the host (default true). Turning
  // it off accepts any server; only for tests.
  bool verify_peer = true;
};

}  // namespace rtml::ingest::net
