// Interop peer: Curator 5.4's DistributedQueue (plain, priority or delay) with a lock path.
// produce: puts <count> items "java-<i>" (priority kind: priority i % 3; delay kind: every
//          other item delayed by 1.5 s), prints PRODUCED, exits.
// consume: consumes, printing "ITEM <data>" per item, until a line arrives on stdin; exits.
// usage: java QueuePeer <hosts> <queuePath> <lockPath> <plain|priority|delay> <produce|consume> <count>
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.queue.DistributedDelayQueue;
import org.apache.curator.framework.recipes.queue.DistributedPriorityQueue;
import org.apache.curator.framework.recipes.queue.DistributedQueue;
import org.apache.curator.framework.recipes.queue.QueueBuilder;
import org.apache.curator.framework.recipes.queue.QueueConsumer;
import org.apache.curator.framework.recipes.queue.QueueSerializer;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.retry.ExponentialBackoffRetry;

public class QueuePeer {
  static final QueueSerializer<String> UTF8 = new QueueSerializer<String>() {
    public byte[] serialize(String s) { return s.getBytes(StandardCharsets.UTF_8); }
    public String deserialize(byte[] b) { return new String(b, StandardCharsets.UTF_8); }
  };

  public static void main(String[] args) throws Exception {
    String hosts = args[0], path = args[1], lockPath = args[2], kind = args[3], mode = args[4];
    int count = Integer.parseInt(args[5]);
    CuratorFramework client = CuratorFrameworkFactory.newClient(hosts, 4000, 4000, new ExponentialBackoffRetry(100, 3));
    client.start();
    client.blockUntilConnected();
    QueueConsumer<String> consumer = mode.equals("consume") ? new QueueConsumer<String>() {
      public void consumeMessage(String message) {
        synchronized (System.out) {
          System.out.println("ITEM " + message);
          System.out.flush();
        }
      }
      public void stateChanged(CuratorFramework c, ConnectionState s) {}
    } : null;
    QueueBuilder<String> builder = QueueBuilder.builder(client, consumer, UTF8, path).lockPath(lockPath).putInBackground(false);
    java.io.Closeable queue;
    if (kind.equals("priority")) {
      DistributedPriorityQueue<String> q = builder.buildPriorityQueue(0);
      q.start();
      if (mode.equals("produce")) for (int i = 0; i < count; i++) q.put("java-" + i, i % 3);
      queue = q;
    } else if (kind.equals("delay")) {
      DistributedDelayQueue<String> q = builder.buildDelayQueue();
      q.start();
      long now = System.currentTimeMillis();
      if (mode.equals("produce")) for (int i = 0; i < count; i++) q.put("java-" + i, i % 2 == 1 ? now + 1500 : now);
      queue = q;
    } else {
      DistributedQueue<String> q = builder.buildQueue();
      q.start();
      if (mode.equals("produce")) for (int i = 0; i < count; i++) q.put("java-" + i);
      queue = q;
    }
    if (mode.equals("produce")) {
      System.out.println("PRODUCED");
    } else {
      System.out.println("STARTED");
      System.out.flush();
      new BufferedReader(new InputStreamReader(System.in)).readLine();
    }
    System.out.flush();
    queue.close();
    client.close();
  }
}
