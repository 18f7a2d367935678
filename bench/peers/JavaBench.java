// Benchmark child for the ZooKeeper Java client and Curator (Debian jars), compiled by run.mjs with javac.
// java -cp ... JavaBench <java|curator> <workload> key=value...   → prints `RESULT {json}`.
// Throughput loops use each library's async API (Java callbacks, Curator inBackground) with a window of
// outstanding requests, as their docs recommend; serial loops use the synchronous calls a user would write.
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.*;
import java.util.concurrent.*;
import java.util.concurrent.atomic.*;
import java.util.function.IntConsumer;

import org.apache.zookeeper.*;
import org.apache.zookeeper.data.Stat;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.api.BackgroundCallback;
import org.apache.curator.framework.recipes.leader.LeaderSelector;
import org.apache.curator.framework.recipes.leader.LeaderSelectorListenerAdapter;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.ServiceProvider;

public class JavaBench {
    static Map<String, String> P = new HashMap<>();
    static boolean curator;

    static int num(String k) { return (int) Double.parseDouble(P.get(k)); }

    static long cpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Paths.get("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024L;
            }
        } catch (Exception e) { }
        return 0;
    }

    static long usedHeap() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 4; i++) { System.gc(); Thread.sleep(50); }
        return rt.totalMemory() - rt.freeMemory();
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs); Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    static double pct(double[] sorted, double p) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(p / 100 * sorted.length))];
    }

    // --- a client handle: either a raw ZooKeeper or a CuratorFramework ---------------------------------------
    static final class H {
        ZooKeeper zk; CuratorFramework cf;
        void close() throws Exception { if (cf != null) cf.close(); else zk.close(); }
    }

    static H open(String hosts) throws Exception {
        int timeout = P.containsKey("sessionTimeout") ? num("sessionTimeout") : 10000;
        H h = new H();
        if (curator) {
            h.cf = CuratorFrameworkFactory.newClient(hosts, timeout, 30000, new ExponentialBackoffRetry(100, 3));
            h.cf.start();
            if (!h.cf.blockUntilConnected(30, TimeUnit.SECONDS)) throw new RuntimeException("connect timeout");
            h.zk = h.cf.getZookeeperClient().getZooKeeper();
        } else {
            CountDownLatch connected = new CountDownLatch(1);
            h.zk = new ZooKeeper(hosts, timeout, e -> { if (e.getState() == Watcher.Event.KeeperState.SyncConnected) connected.countDown(); });
            if (!connected.await(30, TimeUnit.SECONDS)) throw new RuntimeException("connect timeout");
        }
        return h;
    }

    interface Issue { void send(int i, Runnable ok, java.util.function.Consumer<String> err) throws Exception; }

    /** n requests, at most `window` outstanding. */
    static void pipelined(int n, int window, Issue issue) throws Exception {
        Semaphore sem = new Semaphore(window);
        CountDownLatch done = new CountDownLatch(n);
        AtomicReference<String> error = new AtomicReference<>();
        Runnable ok = () -> { sem.release(); done.countDown(); };
        java.util.function.Consumer<String> err = (m) -> { error.compareAndSet(null, m); sem.release(); done.countDown(); };
        for (int i = 0; i < n; i++) {
            sem.acquire();
            if (error.get() != null) break;
            issue.send(i, ok, err);
        }
        done.await(120, TimeUnit.SECONDS);
        if (error.get() != null) throw new RuntimeException(error.get());
    }

    // async operations (shared callbacks; ctx carries the completion)
    static final AsyncCallback.DataCallback DATA_CB = (rc, path, ctx, data, stat) -> complete(rc, ctx);
    static final AsyncCallback.StringCallback STRING_CB = (rc, path, ctx, name) -> complete(rc, ctx);
    static final AsyncCallback.StatCallback STAT_CB = (rc, path, ctx, stat) -> complete(rc, ctx);
    static final AsyncCallback.VoidCallback VOID_CB = (rc, path, ctx) -> complete(rc, ctx);
    static final class Done { final Runnable ok; final java.util.function.Consumer<String> err; Done(Runnable o, java.util.function.Consumer<String> e) { ok = o; err = e; } }
    static void complete(int rc, Object ctx) {
        Done d = (Done) ctx;
        if (rc == 0) d.ok.run(); else d.err.accept(KeeperException.Code.get(rc).toString());
    }
    static BackgroundCallback curatorCb(Runnable ok, java.util.function.Consumer<String> err) {
        return (c, e) -> { if (e.getResultCode() == 0) ok.run(); else err.accept(KeeperException.Code.get(e.getResultCode()).toString()); };
    }

    static Issue getOp(H h, String path) {
        if (curator) return (i, ok, err) -> h.cf.getData().inBackground(curatorCb(ok, err)).forPath(path);
        return (i, ok, err) -> h.zk.getData(path, false, DATA_CB, new Done(ok, err));
    }
    static Issue createOp(H h, String path, byte[] data) {
        if (curator) return (i, ok, err) -> h.cf.create().withMode(CreateMode.PERSISTENT_SEQUENTIAL).inBackground(curatorCb(ok, err)).forPath(path, data);
        return (i, ok, err) -> h.zk.create(path, data, ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT_SEQUENTIAL, STRING_CB, new Done(ok, err));
    }
    static Issue setOp(H h, String path, byte[] data) {
        if (curator) return (i, ok, err) -> h.cf.setData().inBackground(curatorCb(ok, err)).forPath(path, data);
        return (i, ok, err) -> h.zk.setData(path, data, -1, STAT_CB, new Done(ok, err));
    }
    static byte[] getSync(H h, String path) throws Exception {
        return curator ? h.cf.getData().forPath(path) : h.zk.getData(path, false, null);
    }
    static void createPlain(H h, String path) throws Exception {
        try { h.zk.create(path, new byte[0], ZooDefs.Ids.OPEN_ACL_UNSAFE, CreateMode.PERSISTENT); } catch (KeeperException.NodeExistsException e) { }
    }

    static String json(Object... kv) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < kv.length; i += 2) {
            if (i > 0) sb.append(',');
            sb.append('"').append(kv[i]).append("\":");
            Object v = kv[i + 1];
            if (v instanceof String) sb.append('"').append(((String) v).replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
            else if (v instanceof Double && (((Double) v).isNaN() || ((Double) v).isInfinite())) sb.append("null");
            else sb.append(v);
        }
        return sb.append('}').toString();
    }

    // --- workloads ------------------------------------------------------------------------------------------
    static String connect() throws Exception {
        List<Double> t = new ArrayList<>();
        for (int i = 0; i < num("count"); i++) {
            long t0 = System.nanoTime();
            H h = open(P.get("hosts"));
            t.add((System.nanoTime() - t0) / 1e6);
            h.close();
        }
        return json("first_ms", t.get(0), "connect_ms", median(t.size() > 1 ? t.subList(1, t.size()) : t));
    }

    static String serial(String path, boolean big) throws Exception {
        H h = open(P.get("hosts"));
        byte[] first = getSync(h, path);
        if (big && first.length != num("size")) throw new RuntimeException("1 MB read returned " + first.length);
        for (int i = 0; i < num("warmup"); i++) getSync(h, path);
        int n = num("count");
        double[] lat = new double[n];
        long c0 = cpuNanos(), t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long s = System.nanoTime();
            getSync(h, path);
            lat[i] = (System.nanoTime() - s) / 1e6;
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (cpuNanos() - c0) / 1e3;
        Arrays.sort(lat);
        h.close();
        return json("ops_s", n / wall, "p50_ms", pct(lat, 50), "p99_ms", pct(lat, 99), "cpu_us_op", cpu / n);
    }

    static String throughput(String what) throws Exception {
        H h = open(P.get("hosts"));
        int w = num("window");
        String target;
        Issue op;
        byte[] data = new byte[P.containsKey("size") ? num("size") : 0];
        Arrays.fill(data, (byte) 120);
        String parent = P.get("base") + "/c-" + P.get("run");
        if (what.equals("get")) { target = P.get("path"); op = getOp(h, target); }
        else if (what.equals("create")) { createPlain(h, parent); target = parent + "/n-"; op = createOp(h, target, data); }
        else { target = P.get("base") + "/s-" + P.get("run"); createPlain(h, target); op = setOp(h, target, data); }
        pipelined(num("warmup"), w, op);
        int n = num("count");
        long c0 = cpuNanos(), t0 = System.nanoTime();
        pipelined(n, w, op);
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (cpuNanos() - c0) / 1e3;
        if (what.equals("create")) {
            List<String> kids = h.zk.getChildren(parent, false);
            pipelined(kids.size(), w, (i, ok, err) -> h.zk.delete(parent + "/" + kids.get(i), -1, VOID_CB, new Done(ok, err)));
            h.zk.delete(parent, -1);
        } else if (what.equals("set")) h.zk.delete(target, -1);
        h.close();
        return json("ops_s", n / wall, "cpu_us_op", cpu / n);
    }

    static String lock() throws Exception {
        if (!curator) return json("na", "the Java client has no lock recipe (Curator's InterProcessMutex is the peer)");
        H h = open(P.get("hosts"));
        InterProcessMutex m = new InterProcessMutex(h.cf, P.get("base") + "/lock-" + P.get("run"));
        for (int i = 0; i < num("warmup"); i++) { m.acquire(); m.release(); }
        int n = num("count");
        long c0 = cpuNanos(), t0 = System.nanoTime();
        for (int i = 0; i < n; i++) { m.acquire(); m.release(); }
        double wall = (System.nanoTime() - t0) / 1e9;
        double cpu = (cpuNanos() - c0) / 1e3;
        h.close();
        return json("cycles_s", n / wall, "cpu_us_op", cpu / n);
    }

    static String contended() throws Exception {
        if (!curator) return json("na", "no lock recipe");
        int k = num("sessions");
        String path = P.get("base") + "/clock-" + P.get("run");
        List<H> hs = new ArrayList<>();
        for (int i = 0; i < k; i++) hs.add(open(P.get("hosts")));
        AtomicInteger holder = new AtomicInteger(-1);
        AtomicLong violations = new AtomicLong(), handoffs = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        long durationNs = (long) (Double.parseDouble(P.get("seconds")) * 1e9);
        long t0 = System.nanoTime();
        List<Thread> threads = new ArrayList<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        for (int i = 0; i < k; i++) {
            final int id = i;
            InterProcessMutex m = new InterProcessMutex(hs.get(i).cf, path);
            Thread t = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        m.acquire();
                        if (!holder.compareAndSet(-1, id)) violations.incrementAndGet();
                        handoffs.incrementAndGet();
                        if (System.nanoTime() - t0 >= durationNs) stop.set(true);
                        holder.set(-1);
                        m.release();
                    }
                } catch (Throwable e) { failure.compareAndSet(null, e); stop.set(true); }
            });
            t.start(); threads.add(t);
        }
        for (Thread t : threads) t.join();
        double wall = (System.nanoTime() - t0) / 1e9;
        for (H h : hs) h.close();
        if (failure.get() != null) throw new RuntimeException(failure.get());
        return json("handoffs_s", handoffs.get() / wall, "violations", violations.get());
    }

    static String election() throws Exception {
        if (!curator) return json("na", "no election recipe");
        List<Double> times = new ArrayList<>();
        for (int r = 0; r < num("count"); r++) {
            String path = P.get("base") + "/elect-" + P.get("run") + "-" + r;
            H a = open(P.get("hosts")), b = open(P.get("hosts"));
            CountDownLatch aLeads = new CountDownLatch(1), bRelease = new CountDownLatch(1);
            CompletableFuture<Long> bLeads = new CompletableFuture<>();
            LeaderSelector sa = new LeaderSelector(a.cf, path, new LeaderSelectorListenerAdapter() {
                public void takeLeadership(CuratorFramework c) throws Exception { aLeads.countDown(); Thread.sleep(Long.MAX_VALUE); }
            });
            sa.start();
            aLeads.await();
            LeaderSelector sb = new LeaderSelector(b.cf, path, new LeaderSelectorListenerAdapter() {
                public void takeLeadership(CuratorFramework c) throws Exception { bLeads.complete(System.nanoTime()); bRelease.await(); }
            });
            sb.start();
            Thread.sleep(200);
            long t0 = System.nanoTime();
            a.cf.close(); // closes a's session
            long t1 = bLeads.get(30, TimeUnit.SECONDS);
            times.add((t1 - t0) / 1e6);
            bRelease.countDown();
            try { sa.close(); } catch (Exception e) { }
            sb.close();
            b.close();
        }
        return json("failover_ms", median(times), "max_ms", Collections.max(times));
    }

    static String sessions() throws Exception {
        int n = num("count");
        usedHeap();
        long rss0 = rssBytes();
        CountDownLatch all = new CountDownLatch(n);
        List<ZooKeeper> zks = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            AtomicBoolean once = new AtomicBoolean();
            zks.add(new ZooKeeper(P.get("hosts"), 10000, e -> {
                if (e.getState() == Watcher.Event.KeeperState.SyncConnected && once.compareAndSet(false, true)) all.countDown();
            }));
        }
        if (!all.await(120, TimeUnit.SECONDS)) throw new RuntimeException("not all sessions connected");
        double wall = (System.nanoTime() - t0) / 1e6;
        for (ZooKeeper zk : zks) zk.exists("/", false);
        usedHeap();
        long rss1 = rssBytes();
        ExecutorService closer = Executors.newFixedThreadPool(64);
        for (ZooKeeper zk : zks) closer.submit(() -> { zk.close(0); return null; });
        closer.shutdown();
        closer.awaitTermination(1, TimeUnit.SECONDS); // closeSession is sent at once; close() then lingers (not measured)
        return json("connect_all_ms", wall, "rss_mb", rss1 / 1048576.0, "kb_per_session", (rss1 - rss0) / 1024.0 / n);
    }

    static String watches() throws Exception {
        int n = num("count");
        H h = open(P.get("hosts"));
        String base = P.get("path");
        AtomicInteger fired = new AtomicInteger();
        Watcher watcher = e -> { if (e.getType() != Watcher.Event.EventType.None) fired.incrementAndGet(); };
        for (int i = 0; i < 50; i++) h.zk.exists(base + "/n" + i, false);
        long heap0 = usedHeap(), rss0 = rssBytes();
        long t0 = System.nanoTime();
        pipelined(n, num("window"), (i, ok, err) -> h.zk.exists(base + "/n" + i, watcher, STAT_CB, new Done(ok, err)));
        double setMs = (System.nanoTime() - t0) / 1e6;
        long heap1 = usedHeap(), rss1 = rssBytes();
        System.out.println("CUT");
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in)).readLine();
        long c0 = System.nanoTime();
        for (;;) {
            try { h.zk.exists("/", false); break; }
            catch (KeeperException.ConnectionLossException e) { Thread.sleep(1); }
        }
        double reregMs = (System.nanoTime() - c0) / 1e6;
        h.zk.setData(base + "/n" + (n - 1), ("v" + System.nanoTime()).getBytes(), -1);
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (fired.get() == 0 && System.nanoTime() < deadline) Thread.sleep(5);
        h.close();
        return json("heap_b_watch", (heap1 - heap0) / (double) n, "rss_b_watch", (rss1 - rss0) / (double) n,
            "rss_mb", rss1 / 1048576.0, "set_ms", setMs, "rereg_ms", reregMs, "verified", fired.get() > 0);
    }

    // ServiceProvider.getInstance() from a warm provider, and the time from a backend's SIGKILL until the
    // provider no longer returns it (the backend is another process; its session expires).
    static String discovery() throws Exception {
        if (!curator) return json("na", "no discovery recipe");
        H h = open(P.get("hosts"));
        String base = P.get("base") + "/sd-" + P.get("run");
        ServiceDiscovery<Object> sd = ServiceDiscoveryBuilder.builder(Object.class).client(h.cf).basePath(base).build();
        sd.start();
        for (int i = 0; i < num("instances"); i++) {
            sd.registerService(ServiceInstance.builder().name("svc").id("i" + i).address("127.0.0.1").port(9000 + i).build());
        }
        ServiceProvider<Object> provider = sd.serviceProviderBuilder().serviceName("svc").build();
        provider.start();
        while (provider.getAllInstances().size() < num("instances")) Thread.sleep(1);
        long sink = 0;
        for (int i = 0; i < num("warmup"); i++) sink += provider.getInstance().getPort();
        int n = num("calls");
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) sink += provider.getInstance().getPort();
        double getUs = (System.nanoTime() - t0) / 1e3 / n;
        List<Double> removals = new ArrayList<>();
        for (int k = 0; k < num("kills"); k++) {
            String id = "victim-" + k;
            // The same backend as zookit's run (a Node registrar), so only the provider differs.
            Process child = new ProcessBuilder(P.get("node"), "peers/discovery-registrar.mjs", P.get("hosts"), base, "svc", id, P.get("regTimeout"))
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            new BufferedReader(new InputStreamReader(child.getInputStream())).readLine();
            long registeredAt = System.nanoTime();
            long deadline = registeredAt + 30_000_000_000L;
            while (!has(provider, id) && System.nanoTime() < deadline) Thread.sleep(1);
            // Killed a fixed time after it registered (see node-worker.mjs): the same place in the backend's ping cycle.
            long wait = (registeredAt + num("killAfter") * 1_000_000L - System.nanoTime()) / 1_000_000L;
            if (wait > 0) Thread.sleep(wait);
            long killedAt = System.nanoTime();
            child.destroyForcibly(); // SIGKILL
            while (has(provider, id) && System.nanoTime() < deadline) Thread.sleep(1);
            removals.add((System.nanoTime() - killedAt) / 1e6);
        }
        provider.close();
        sd.close();
        h.close();
        return json("get_us", getUs, "removal_ms", median(removals), "removal_max_ms", Collections.max(removals), "sink", sink > 0);
    }

    static boolean has(ServiceProvider<Object> provider, String id) throws Exception {
        for (ServiceInstance<Object> i : provider.getAllInstances()) if (i.getId().equals(id)) return true;
        return false;
    }

    static String queue() throws Exception {
        if (!curator) return json("na", "no queue recipe");
        H producer = open(P.get("hosts"));
        List<H> consumers = new ArrayList<>();
        for (int i = 0; i < num("consumers"); i++) consumers.add(open(P.get("hosts")));
        String out = QueueBench.run(producer, consumers, P.get("base"), P.get("run"), num("warmup"), num("count"));
        for (H h : consumers) h.close();
        producer.close();
        return out;
    }

    public static void main(String[] args) {
        curator = args[0].equals("curator");
        String workload = args[1];
        for (int i = 2; i < args.length; i++) { int j = args[i].indexOf('='); P.put(args[i].substring(0, j), args[i].substring(j + 1)); }
        String out;
        int code = 0;
        try {
            switch (workload) {
                case "connect": out = connect(); break;
                case "sget": out = serial(P.get("path"), false); break;
                case "big": out = serial(P.get("path"), true); break;
                case "pget": out = throughput("get"); break;
                case "pcreate": out = throughput("create"); break;
                case "pset": out = throughput("set"); break;
                case "lock": out = lock(); break;
                case "contended": out = contended(); break;
                case "election": out = election(); break;
                case "sessions": out = sessions(); break;
                case "watches": out = watches(); break;
                case "discovery": out = discovery(); break;
                case "queue": out = queue(); break;
                default: out = json("na", "no " + workload + " workload");
            }
        } catch (Throwable e) {
            e.printStackTrace();
            out = json("error", String.valueOf(e).replace('\n', ' '));
            code = 1;
        }
        System.out.println("RESULT " + out);
        System.out.flush();
        Runtime.getRuntime().halt(code);
    }
}
