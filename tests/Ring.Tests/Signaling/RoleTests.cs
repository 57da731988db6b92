using System;
using System.Diagnostics;
using Xunit;

namespace RingIpc.Tests.Signaling;

/// <summary>The exclusive roles: one consumer per ring, one producer per SPSC ring.</summary>
[Collection(nameof(ProcessHeavy))]
public class RoleTests
{
    [Fact]
    public void A_role_lock_is_never_handed_out_on_a_lock_file_that_Delete_unlinked()
    {
        using var name = new TempName("role-delete-race");
        using var ring = SharedRing.Create(name);
        using var other = SharedRing.Open(name);
        int unlinked = 0;

        // Every time, a Delete removes the lock file between its opening and its locking (the window of the race).
        FlockMutex.BetweenOpenAndLockForTests = path =>
        {
            if (path.EndsWith("@consumer", StringComparison.Ordinal) && unlinked++ < 1000)
            {
                System.IO.File.Delete(path);
            }
        };
        try
        {
            var error = Assert.Throws<System.IO.IOException>(() => ring.CreateConsumer());
            Assert.Contains("replaced", error.Message);
        }
        finally
        {
            FlockMutex.BetweenOpenAndLockForTests = null;
        }

        // Without the race the role works, and there is one holder.
        using var first = ring.CreateConsumer();
        Assert.Throws<RingRoleException>(() => other.CreateConsumer());
    }

    [Fact]
    public void A_lock_file_replaced_once_while_it_is_locked_is_locked_again_on_the_new_file()
    {
        using var name = new TempName("role-delete-once");
        using var ring = SharedRing.Create(name);
        using var other = SharedRing.Open(name);
        bool unlinked = false;
        FlockMutex.BetweenOpenAndLockForTests = path =>
        {
            if (!unlinked && path.EndsWith("@consumer", StringComparison.Ordinal))
            {
                unlinked = true;
                System.IO.File.Delete(path);
            }
        };
        RingConsumer first;
        try
        {
            first = ring.CreateConsumer();
        }
        finally
        {
            FlockMutex.BetweenOpenAndLockForTests = null;
        }

        using (first)
        {
            Assert.True(unlinked);
            Assert.Throws<RingRoleException>(() => other.CreateConsumer()); // the lock sits on the published file
        }
    }

    [Fact]
    public void A_second_consumer_is_refused_with_the_holders_pid_until_the_first_is_disposed()
    {
        using var name = new TempName("role");
        using var ring = SharedRing.Create(name);
        using var other = SharedRing.Open(name);
        var first = ring.CreateConsumer();
        var error = Assert.Throws<RingRoleException>(() => other.CreateConsumer());
        Assert.Equal(Environment.ProcessId, error.HolderProcessId);
        Assert.Equal("consumer", error.Role);
        Assert.Contains(Environment.ProcessId.ToString(), error.Message);
        first.Dispose();
        using var second = other.CreateConsumer();
    }

    [Fact]
    public void A_ring_deleted_while_attached_keeps_working_and_a_new_ring_of_its_name_gets_the_roles_once_the_holders_are_gone()
    {
        using var name = new TempName("role-delete");
        string prefix = System.IO.Path.GetFileName(UnixSectionStore.PathOf(name));
        string[] Files() => System.IO.Directory.GetFiles("/dev/shm", prefix + "*");
        var ring = SharedRing.Create(name);
        var producer = ring.CreateProducer();
        var consumer = ring.CreateConsumer();
        Assert.Equal(3, Files().Length); // the section and the two role lock files

        Assert.True(SharedRing.Delete(name));
        Assert.Equal(2, Files().Length); // the locked role files stay while their holders live
        Assert.True(producer.TryWrite(new byte[] { 1 })); // the endpoints go on working
        Assert.Equal(1, consumer.Read((_, payload) => Assert.Equal(1, payload[0])));

        // A new ring under the name meanwhile: its roles are refused only while the old holders live.
        using (var successor = SharedRing.Create(name))
        {
            Assert.Throws<RingRoleException>(() => successor.CreateConsumer());
            consumer.Dispose();
            producer.Dispose();
            ring.Dispose();
            using var newConsumer = successor.CreateConsumer();
            Assert.Contains(Files(), file => file.EndsWith("@consumer", StringComparison.Ordinal));
        }

        Assert.True(SharedRing.Delete(name));
        Assert.Empty(Files());
    }

    [Fact]
    public void Role_files_of_a_deleted_ring_are_removed_by_the_last_holder()
    {
        using var name = new TempName("role-delete-last");
        string prefix = System.IO.Path.GetFileName(UnixSectionStore.PathOf(name));
        var ring = SharedRing.Create(name);
        var producer = ring.CreateProducer();
        var consumer = ring.CreateConsumer();
        Assert.True(SharedRing.Delete(name));
        ring.Dispose();
        consumer.Dispose();
        producer.Dispose();
        Assert.Empty(System.IO.Directory.GetFiles("/dev/shm", prefix + "*"));
    }

    [Fact]
    public void An_spsc_ring_has_one_producer_an_mpsc_ring_many()
    {
        using var spscName = new TempName("role-spsc");
        using var spsc = SharedRing.Create(spscName);
        using (spsc.CreateProducer())
        {
            Assert.Equal("producer", Assert.Throws<RingRoleException>(() => spsc.CreateProducer()).Role);
        }

        using var again = spsc.CreateProducer();

        using var mpscName = new TempName("role-mpsc");
        using var mpsc = SharedRing.Create(mpscName, new RingOptions { Kind = RingKind.Mpsc });
        using var a = mpsc.CreateProducer();
        using var b = mpsc.CreateProducer();
    }

    [Fact]
    public void The_role_of_a_killed_consumer_process_is_free_within_a_second()
    {
        using var name = new TempName("role-kill");
        using var ring = SharedRing.Create(name);
        using var holder = PeerProcess.Start("hold-consumer", name, "120");
        holder.WaitForOutput("holding", TimeSpan.FromSeconds(60));

        var error = Assert.Throws<RingRoleException>(() => ring.CreateConsumer());
        Assert.Equal(holder.Id, error.HolderProcessId);

        holder.Kill();
        var clock = Stopwatch.StartNew();
        RingConsumer? consumer = null;
        while (consumer is null)
        {
            try
            {
                consumer = ring.CreateConsumer();
            }
            catch (RingRoleException) when (clock.Elapsed < TimeSpan.FromSeconds(1))
            {
                System.Threading.Thread.Sleep(10);
            }
        }

        consumer.Dispose();
    }
}
