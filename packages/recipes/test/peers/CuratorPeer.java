// Interop peer: a Curator 5.4 recipe on a path. Prints ACQUIRED when it holds the lock
// (or leads), waits for a line on stdin, releases, prints RELEASED and exits.
// usage: java CuratorPeer <hosts> <path> <mutex|selector|latch> <identifier>
import java.io.BufferedReader;
import java.io.InputStreamReader;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderSelector;
import org.apache.curator.framework.recipes.leader.LeaderSelectorListenerAdapter;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.retry.ExponentialBackoffRetry;

public class CuratorPeer {
  public static void main(String[] args) throws Exception {
    String hosts = args[0], path = args[1], mode = args[2], id = args[3];
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    CuratorFramework client = CuratorFrameworkFactory.newClient(hosts, 4000, 4000, new ExponentialBackoffRetry(100, 3));
    client.start();
    client.blockUntilConnected();
    System.out.println("STARTED");
    System.out.flush();
    if (mode.equals("mutex")) {
      InterProcessMutex lock = new InterProcessMutex(client, path);
      lock.acquire();
      System.out.println("ACQUIRED");
      System.out.flush();
      in.readLine();
      lock.release();
    } else if (mode.equals("latch")) {
      LeaderLatch latch = new LeaderLatch(client, path, id);
      latch.start();
      latch.await();
      System.out.println("ACQUIRED");
      System.out.flush();
      in.readLine();
      latch.close();
    } else {
      java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(1);
      LeaderSelector selector = new LeaderSelector(client, path, new LeaderSelectorListenerAdapter() {
        @Override public void takeLeadership(CuratorFramework c) throws Exception {
          System.out.println("ACQUIRED");
          System.out.flush();
          in.readLine();
          done.countDown();
        }
      });
      selector.setId(id);
      selector.start();
      done.await();
      selector.close();
    }
    System.out.println("RELEASED");
    System.out.flush();
    client.close();
  }
}
