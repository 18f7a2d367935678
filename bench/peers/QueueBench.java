// The `queue` workload for Curator (called by JavaBench): a producer puts `count` items (in the
// background, Curator's default) into a DistributedQueue with a lock path while `consumers`
// sessions consume them (each its own DistributedQueue, default executor); measured from the first
// put until every item was handled and the queue is empty. Same shape as queue-bench.mjs.
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.ArrayList;
import java.util.List;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.queue.DistributedQueue;
import org.apache.curator.framework.recipes.queue.QueueBuilder;
import org.apache.curator.framework.recipes.queue.QueueConsumer;
import org.apache.curator.framework.recipes.queue.QueueSerializer;
import org.apache.curator.framework.state.ConnectionState;

final class QueueBench {
    static final QueueSerializer<String> UTF8 = new QueueSerializer<String>() {
        public byte[] serialize(String s) { return s.getBytes(StandardCharsets.UTF_8); }
        public String deserialize(byte[] b) { return new String(b, StandardCharsets.UTF_8); }
    };

    /** One round: items/s (put to empty), produce/s, lost, duplicates. */
    static double[] round(CuratorFramework producer, List<CuratorFramework> consumers, String path, int count) throws Exception {
        ConcurrentHashMap<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        List<DistributedQueue<String>> queues = new ArrayList<>();
        for (CuratorFramework cf : consumers) {
            QueueConsumer<String> c = new QueueConsumer<String>() {
                public void consumeMessage(String m) { seen.computeIfAbsent(m, x -> new AtomicInteger()).incrementAndGet(); }
                public void stateChanged(CuratorFramework f, ConnectionState s) {}
            };
            DistributedQueue<String> q = QueueBuilder.builder(cf, c, UTF8, path).lockPath(path + "-locks").buildQueue();
            q.start();
            queues.add(q);
        }
        DistributedQueue<String> out = QueueBuilder.builder(producer, null, UTF8, path).lockPath(path + "-locks").buildQueue();
        out.start();
        out.put("warm-the-path");
        long warmDeadline = System.nanoTime() + 30_000_000_000L;
        while (!seen.containsKey("warm-the-path") && System.nanoTime() < warmDeadline) Thread.sleep(1);
        seen.clear();
        long t0 = System.nanoTime();
        for (int i = 0; i < count; i++) out.put("item-" + i);
        out.flushPuts(150, java.util.concurrent.TimeUnit.SECONDS);
        long tp = System.nanoTime();
        long deadline = System.nanoTime() + 150_000_000_000L;
        while ((seen.size() < count || !producer.getChildren().forPath(path).isEmpty()) && System.nanoTime() < deadline) Thread.sleep(2);
        long t1 = System.nanoTime();
        for (DistributedQueue<String> q : queues) q.close();
        out.close();
        int dups = 0;
        for (AtomicInteger n : seen.values()) dups += n.get() - 1;
        return new double[] { count / ((t1 - t0) / 1e9), count / ((tp - t0) / 1e9), count - seen.size(), dups };
    }

    static String run(JavaBench.H producer, List<JavaBench.H> consumers, String base, String run, int warmup, int count) throws Exception {
        List<CuratorFramework> cfs = new ArrayList<>();
        for (JavaBench.H h : consumers) cfs.add(h.cf);
        round(producer.cf, cfs, base + "/qw-" + run, warmup);
        double[] r = round(producer.cf, cfs, base + "/q-" + run, count);
        return JavaBench.json("items_s", r[0], "produce_s", r[1], "lost", (int) r[2], "duplicates", (int) r[3]);
    }
}
