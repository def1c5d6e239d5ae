package io.veltrix.security;

/**
 * The roles of the Veltrix APIs, the same in the three services. Every endpoint declares which of them it allows
 * ({@code @RolesAllowed}, or {@code @PermitAll} for what authenticates by other means: the write keys of the
 * tracking API, a page without data); an endpoint that declares nothing is refused
 * ({@code quarkus.security.jaxrs.deny-unannotated-endpoints}).
 */
public final class Roles {

    /** Changes things: experiments (create, edit, start, stop, archive), replays, dead-letter re-drives; implies
     * {@link #ANALYST} ({@link AdminImpliesAnalyst}). */
    public static final String ADMIN = "admin";
    /** Reads what the platform knows: experiments, results, traffic, rejected events. */
    public static final String ANALYST = "analyst";
    /** What a game client may do with the key it ships: read its assignments and the SDK payload. */
    public static final String SDK = "sdk";

    private Roles() {
    }
}
