package io.veltrix.experiments.rest;

import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The dashboard page. It holds no data: its script ({@code /dashboard/dashboard.js}, plain SVG, no external
 * resources) asks for the read token (kept in the tab's sessionStorage, or given once in the URL fragment
 * {@code #token=...}, which browsers never send to a server) and reads the experiments API with it.
 */
@PermitAll // a page without data: its script sends the token with each call
@Path("/dashboard")
@Tag(name = "Dashboard", description = "The experiments dashboard (HTML)")
public class DashboardResource {

    private static final String PAGE = load("META-INF/resources/dashboard/index.html");

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(summary = "The dashboard page: experiments, confidence-interval bars, traffic, SRM warnings")
    public String page() {
        return PAGE;
    }

    private static String load(String resource) {
        try (InputStream in = DashboardResource.class.getClassLoader().getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
