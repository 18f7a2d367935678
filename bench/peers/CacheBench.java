// Benchmark child for the `cache` workload with Curator's CuratorCache (see cache-worker.mjs for the steps).
// usage: java CacheBench curator cache key=value...   prints RESULT <json>; OUTAGE/HEAL lines ask the parent for the outage.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.cache.ChildData;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.data.Stat;

public class CacheBench {
    static final BufferedReader IN = new BufferedReader(new InputStreamReader(System.in));

    static void ask(String line) throws Exception {
        System.out.println(line);
        System.out.flush();
        IN.readLine();
    }

    static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) { System.gc(); Thread.sleep(50); }
        return rt.totalMemory() - rt.freeMemory();
    }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> p = new HashMap<>();
        for (int i = 2; i < args.length; i++) { int k = args[i].indexOf('='); p.put(args[i].substring(0, k), args[i].substring(k + 1)); }
        String base = p.get("path");
        CuratorFramework zk = CuratorFrameworkFactory.newClient(p.get("hosts"), 30000, 30000, new ExponentialBackoffRetry(100, 29, 200));
        CuratorFramework direct = CuratorFrameworkFactory.newClient(p.get("direct"), 30000, 30000, new ExponentialBackoffRetry(100, 3));
        zk.start();
        direct.start();
        zk.blockUntilConnected();
        direct.blockUntilConnected();
        long h0 = usedHeap();
        CuratorCache cache = CuratorCache.build(zk, base);
        CountDownLatch initialized = new CountDownLatch(1);
        AtomicInteger events = new AtomicInteger();
        cache.listenable().addListener(CuratorCacheListener.builder()
            .forAll((type, oldData, data) -> events.incrementAndGet())
            .forInitialized(initialized::countDown)
            .build());
        long cpu0 = cpuNanos();
        long t0 = System.nanoTime();
        cache.start();
        initialized.await(600, TimeUnit.SECONDS);
        double loadMs = (System.nanoTime() - t0) / 1e6;
        double cpuMs = (cpuNanos() - cpu0) / 1e6;
        long nodes = cache.size();
        long h1 = usedHeap();
        // outage
        ask("OUTAGE");
        long o0 = System.nanoTime();
        Map<String, Stat> expected = new HashMap<>();
        for (int i = 0; i < 10; i++) {
            String path = base + "/a0/b0/c" + i;
            if (i < 5) {
                byte[] data = direct.getData().forPath(path);
                direct.delete().forPath(path);
                direct.create().forPath(path, data);
            } else {
                byte[] data = new byte[100];
                java.util.Arrays.fill(data, (byte) (48 + (System.currentTimeMillis() / 1000) % 10));
                direct.setData().forPath(path, data);
            }
            expected.put(path, direct.checkExists().forPath(path));
        }
        long left = Long.parseLong(p.get("outage")) - (System.nanoTime() - o0) / 1_000_000;
        if (left > 0) Thread.sleep(left);
        events.set(0);
        AtomicLong reconnectedAt = new AtomicLong();
        zk.getConnectionStateListenable().addListener((c, s) -> {
            if (s == ConnectionState.RECONNECTED) reconnectedAt.compareAndSet(0, System.nanoTime());
        });
        ask("HEAL");
        long healed = System.nanoTime();
        long deadline = healed + 60_000_000_000L;
        while (!visible(cache, expected) && System.nanoTime() < deadline) Thread.sleep(1);
        long visibleAt = System.nanoTime();
        Thread.sleep(500);
        boolean verified = visible(cache, expected);
        cache.close();
        zk.close();
        direct.close();
        long from = reconnectedAt.get() == 0 ? healed : reconnectedAt.get();
        System.out.println("RESULT {\"nodes\":" + nodes + ",\"load_ms\":" + loadMs + ",\"load_cpu_ms\":" + cpuMs
            + ",\"heap_b_node\":" + ((double) (h1 - h0) / nodes) + ",\"rebuild_ms\":" + ((visibleAt - from) / 1e6)
            + ",\"heal_to_visible_ms\":" + ((visibleAt - healed) / 1e6) + ",\"events\":" + events.get() + ",\"verified\":" + verified + "}");
        System.out.flush();
        System.exit(0);
    }

    static boolean visible(CuratorCache cache, Map<String, Stat> expected) {
        for (Map.Entry<String, Stat> e : expected.entrySet()) {
            Optional<ChildData> d = cache.get(e.getKey());
            if (!d.isPresent() || d.get().getStat().getCzxid() != e.getValue().getCzxid() || d.get().getStat().getMzxid() != e.getValue().getMzxid()) return false;
        }
        return true;
    }
}
