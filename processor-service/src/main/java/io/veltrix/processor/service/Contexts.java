package io.veltrix.processor.service;

import io.quarkus.vertx.VertxContextSupport;
import io.smallrye.mutiny.Uni;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/** Where the processor's work runs: database work on a Vert.x context (Hibernate Reactive needs one). */
public final class Contexts {

    private Contexts() {
    }

    /**
     * Subscribes to {@code work} on a new duplicated Vert.x context (its own Hibernate Reactive session), from any
     * thread: a consumer's worker, a retry timer, the scheduler.
     */
    public static <T> Uni<T> onVertxContext(Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> {
            AtomicReference<T> item = new AtomicReference<>();
            VertxContextSupport.subscribe(() -> work.get().toMulti(), subscribe -> subscribe.with(item::set,
                    emitter::fail, () -> emitter.complete(item.get())));
        });
    }
}
