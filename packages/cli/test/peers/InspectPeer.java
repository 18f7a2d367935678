// Builds Curator layouts for the cli's inspectors: a held and a waiting InterProcessMutex,
// two LeaderLatches, a semaphore of 2 leases with both held and a third acquirer waiting,
// two x-discovery instances and a DistributedQueue with three items.
// Usage: InspectPeer <connectString> <basePath>; prints "ready", exits when stdin closes.
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.queue.DistributedQueue;
import org.apache.curator.framework.recipes.queue.QueueBuilder;
import org.apache.curator.framework.recipes.queue.QueueSerializer;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.x.discovery.ServiceDiscovery;
import org.apache.curator.x.discovery.ServiceDiscoveryBuilder;
import org.apache.curator.x.discovery.ServiceInstance;
import org.apache.curator.x.discovery.UriSpec;
import org.apache.curator.x.discovery.details.JsonInstanceSerializer;

public class InspectPeer {
  public static void main(String[] args) throws Exception {
    String base = args[1];
    CuratorFramework client = CuratorFrameworkFactory.newClient(args[0], 10000, 10000, new RetryOneTime(100));
    client.start();
    client.blockUntilConnected(20, TimeUnit.SECONDS);

    InterProcessMutex holder = new InterProcessMutex(client, base + "/lock");
    holder.acquire();
    Thread waiter = new Thread(() -> {
      try {
        new InterProcessMutex(client, base + "/lock").acquire();
      } catch (Exception e) {
        // interrupted at exit
      }
    });
    waiter.setDaemon(true);
    waiter.start();
    while (client.getChildren().forPath(base + "/lock").size() < 2) Thread.sleep(20);

    InterProcessSemaphoreV2 semaphore = new InterProcessSemaphoreV2(client, base + "/sem", 2);
    semaphore.acquire();
    semaphore.acquire();
    Thread third = new Thread(() -> {
      try {
        new InterProcessSemaphoreV2(client, base + "/sem", 2).acquire();
      } catch (Exception e) {
        // interrupted at exit
      }
    });
    third.setDaemon(true);
    third.start();
    while (client.getChildren().forPath(base + "/sem/leases").size() < 3) Thread.sleep(20);

    LeaderLatch a = new LeaderLatch(client, base + "/leader", "cur-a");
    a.start();
    a.await(20, TimeUnit.SECONDS);
    LeaderLatch b = new LeaderLatch(client, base + "/leader", "cur-b");
    b.start();
    while (client.getChildren().forPath(base + "/leader").size() < 2) Thread.sleep(20);

    ServiceDiscovery<String> discovery = ServiceDiscoveryBuilder.builder(String.class).client(client).basePath(base + "/services")
        .serializer(new JsonInstanceSerializer<>(String.class)).build();
    discovery.start();
    UriSpec uri = new UriSpec("{scheme}://{address}:{port}");
    discovery.registerService(ServiceInstance.<String>builder().name("api").id("api-1").address("10.0.0.1").port(8080).sslPort(8443).payload("blue").uriSpec(uri).build());
    discovery.registerService(ServiceInstance.<String>builder().name("api").id("api-2").address("10.0.0.2").port(8081).payload("green").uriSpec(uri).build());

    QueueSerializer<String> text = new QueueSerializer<String>() {
      public byte[] serialize(String item) { return item.getBytes(java.nio.charset.StandardCharsets.UTF_8); }
      public String deserialize(byte[] bytes) { return new String(bytes, java.nio.charset.StandardCharsets.UTF_8); }
    };
    DistributedQueue<String> queue = QueueBuilder.builder(client, null, text, base + "/queue").buildQueue();
    queue.start();
    for (String job : new String[] {"job-1", "job-2", "job-3"}) queue.put(job);
    while (client.getChildren().forPath(base + "/queue").size() < 3) Thread.sleep(20);

    System.out.println("ready");
    System.out.flush();
    while (System.in.read() != -1) {
      // until stdin closes
    }
    System.exit(0);
  }
}
