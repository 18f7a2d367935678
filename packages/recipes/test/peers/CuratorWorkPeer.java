// Interop peer for the work-distribution recipes: Curator 5.4 driven by lines on stdin.
//   hold <path>             revocable InterProcessMutex: HELD <node>, then on a revocation
//                           request REVOKE_REQUESTED, releases, RELEASED
//   revoke <node>           Revoker.attemptRevoke: REVOKED
//   sem <path> <max> <id>   InterProcessSemaphoreV2 acquire: SEM_ACQUIRED <id>; "sem-release" releases: SEM_RELEASED <id>
//   churn <path> <max> <id> <n> <markers>
//                           n × (acquire; create the ephemeral <markers>/<id>-<k>; print
//                           COUNT <children of markers>; 30 ms; delete it; release), then CHURN_DONE
//   quit
// usage: java CuratorWorkPeer <hosts>
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.util.concurrent.CountDownLatch;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.locks.InterProcessMutex;
import org.apache.curator.framework.recipes.locks.InterProcessSemaphoreV2;
import org.apache.curator.framework.recipes.locks.Lease;
import org.apache.curator.framework.recipes.locks.Revoker;
import org.apache.curator.retry.ExponentialBackoffRetry;

public class CuratorWorkPeer {
  static void say(String line) {
    System.out.println(line);
    System.out.flush();
  }

  public static void main(String[] args) throws Exception {
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
    CuratorFramework client = CuratorFrameworkFactory.newClient(args[0], 4000, 4000, new ExponentialBackoffRetry(100, 3));
    client.start();
    client.blockUntilConnected();
    say("STARTED");
    InterProcessSemaphoreV2 sem = null;
    Lease lease = null;
    String semId = "";
    for (String line; (line = in.readLine()) != null; ) {
      String[] w = line.trim().split(" ");
      if (w[0].equals("quit")) break;
      if (w[0].equals("hold")) {
        InterProcessMutex lock = new InterProcessMutex(client, w[1]);
        CountDownLatch revoked = new CountDownLatch(1);
        lock.makeRevocable(l -> revoked.countDown());
        lock.acquire();
        say("HELD " + lock.getParticipantNodes().iterator().next());
        revoked.await();
        say("REVOKE_REQUESTED");
        lock.release();
        say("RELEASED");
      } else if (w[0].equals("revoke")) {
        Revoker.attemptRevoke(client, w[1]);
        say("REVOKED");
      } else if (w[0].equals("sem")) {
        sem = new InterProcessSemaphoreV2(client, w[1], Integer.parseInt(w[2]));
        semId = w[3];
        sem.setNodeData(semId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        lease = sem.acquire();
        say("SEM_ACQUIRED " + semId);
      } else if (w[0].equals("churn")) {
        InterProcessSemaphoreV2 s = new InterProcessSemaphoreV2(client, w[1], Integer.parseInt(w[2]));
        for (int k = 0; k < Integer.parseInt(w[4]); k++) {
          Lease l = s.acquire();
          String marker = client.create().creatingParentsIfNeeded().withMode(org.apache.zookeeper.CreateMode.EPHEMERAL).forPath(w[5] + "/" + w[3] + "-" + k);
          say("COUNT " + client.getChildren().forPath(w[5]).size());
          Thread.sleep(30);
          client.delete().forPath(marker);
          l.close();
        }
        say("CHURN_DONE");
      } else if (w[0].equals("sem-release")) {
        lease.close();
        say("SEM_RELEASED " + semId);
      }
    }
    client.close();
  }
}
