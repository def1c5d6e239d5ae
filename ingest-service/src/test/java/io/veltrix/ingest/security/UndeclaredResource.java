package io.veltrix.ingest.security;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** An endpoint that declares no role (in the tests only): it must be refused to everybody. */
@Path("/test-only/undeclared")
public class UndeclaredResource {

    @GET
    public String secret() {
        return "nobody should read this";
    }
}
