#pragma once
// The server's TLS configuration: a certificate chain and key in PEM files, TLS 1.2 and up.
#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>

namespace popflow::net {

// Throws std::runtime_error naming the file that could not be used (start-up only).
std::shared_ptr<boost::asio::ssl::context> make_tls_context(const std::string& cert_file,
                                                            const std::string& key_file);

}  // namespace popflow::net
