package io.veltrix.experiments.security;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * An endpoint that declares no role (in the tests only): {@code quarkus.security.jaxrs.deny-unannotated-endpoints}
 * must refuse it to everybody, whatever the token.
 */
@Path("/test-only/undeclared")
public class UndeclaredResource {

    @GET
    public String secret() {
        return "nobody should read this";
    }
}
