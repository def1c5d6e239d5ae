package io.veltrix.processor.service;

import io.quarkus.vertx.core.runtime.context.VertxContextSafetyToggle;
import io.smallrye.common.vertx.VertxContext;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.Supplier;

/** Where the processor's database work runs: on a Vert.x context of its own, as Hibernate Reactive needs. */
@ApplicationScoped
public class Contexts {

    private final Vertx vertx;

    public Contexts(Vertx vertx) {
        this.vertx = vertx;
    }

    /**
     * Subscribes to {@code work} on a NEW duplicated Vert.x context (so its own Hibernate Reactive session), from any
     * thread: the channel's event loop, a worker, a retry timer, the scheduler.
     */
    public <T> Uni<T> onVertxContext(Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> {
            Context current = Vertx.currentContext();
            Context context = VertxContext.createNewDuplicatedContext(current != null ? current : vertx.getOrCreateContext());
            VertxContextSafetyToggle.setContextSafe(context, true);
            context.runOnContext(v -> {
                try {
                    work.get().subscribe().with(emitter::complete, emitter::fail);
                } catch (RuntimeException e) {
                    emitter.fail(e);
                }
            });
        });
    }
}
