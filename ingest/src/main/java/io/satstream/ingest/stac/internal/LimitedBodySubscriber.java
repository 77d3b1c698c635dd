package io.satstream.ingest.stac.internal;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

import io.satstream.ingest.stac.FetchException;

/**
 * Collects a response body into a byte array, but gives up (and cancels the exchange) as soon as it
 * would exceed the limit, or at once when the declared Content-Length already does.
 */
public final class LimitedBodySubscriber implements BodySubscriber<byte[]> {
    private final long limit;
    private final long declaredLength;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private final ByteArrayOutputStream body;
    private Flow.Subscription subscription;
    private long received;

    public LimitedBodySubscriber(long limit, long declaredLength) {
        this.limit = limit;
        this.declaredLength = declaredLength;
        this.body = new ByteArrayOutputStream((int) Math.min(Math.max(declaredLength, 8192), Math.min(limit, 1 << 24)));
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
        this.subscription = s;
        if (declaredLength > limit) {
            s.cancel();
            result.completeExceptionally(
                    new FetchException("response is " + declaredLength + " bytes (Content-Length), more than the limit"
                            + " of " + limit + " bytes; none of it was read"));
            return;
        }
        s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer item : items) {
            received += item.remaining();
            if (received > limit) {
                subscription.cancel();
                result.completeExceptionally(
                        new FetchException("response is more than the limit of " + limit + " bytes; stopped reading"
                                + " there"));
                return;
            }
            byte[] chunk = new byte[item.remaining()];
            item.get(chunk);
            body.write(chunk, 0, chunk.length);
        }
    }

    @Override
    public void onError(Throwable throwable) {
        result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
        result.complete(body.toByteArray());
    }
}
