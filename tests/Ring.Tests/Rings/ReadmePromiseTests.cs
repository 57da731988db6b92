using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary>
/// Promises of the README ("Rules a user can rely on", "Waiting") that no other test pinned down. Already covered
/// elsewhere, and so not repeated here: <c>Timeout.InfiniteTimeSpan</c> waits (<c>BlockingTests</c>, the
/// <c>-1</c> cases of the wake-up tests), and "a <see cref="RingFormatException"/> names the field, the value found and
/// the value expected" (<c>RingFormatTests.Every_refusal_names_the_value_found_and_the_value_expected</c>).
/// </summary>
[Collection(nameof(ProcessHeavy))] // starts processes and maps a 1 GiB ring
public class ReadmePromiseTests
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    /// <summary>"A token that is already cancelled is checked first: Read/ReadAsync then consume nothing, even if
    /// messages are waiting."</summary>
    [Fact]
    public async Task An_already_cancelled_Read_or_ReadAsync_consumes_nothing_even_with_messages_waiting()
    {
        using var test = new TestRing("cancelled-first", new RingOptions { Capacity = 4096 });
        var (name, ring, producer, consumer) = test;
        for (int i = 0; i < 5; i++)
        {
            Assert.True(producer.TryWrite(new[] { (byte)(10 + i) }, messageType: i));
        }

        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        int handled = 0;
        RingMessageHandler count = (_, _) => handled++;
        Assert.ThrowsAny<OperationCanceledException>(() => consumer.Read(count, 10, TimeSpan.FromSeconds(5), cancelled.Token));
        Assert.ThrowsAny<OperationCanceledException>(() => consumer.Read(count, 10, Timeout.InfiniteTimeSpan, cancelled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => consumer.ReadAsync(count, 10, cancelled.Token).AsTask().WaitAsync(Generous));
        Assert.Equal(0, handled);

        // Every message is still there, in order.
        var seen = new List<(int Type, int Byte)>();
        Assert.Equal(5, consumer.Read((type, payload) => seen.Add((type, payload[0]))));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => (i, 10 + i)), seen);
        Assert.False(consumer.TryRead(out _));
    }

    /// <summary>"A cancelled wait throws OperationCanceledException; in both cases nothing was written or consumed and
    /// the ring stays usable" — for the timed <c>Read</c> and for <c>ReadAsync</c>, cancelled while they wait.</summary>
    [Fact]
    public async Task A_Read_or_ReadAsync_cancelled_while_waiting_throws_and_the_next_message_is_read_normally()
    {
        using var test = new TestRing("cancelled-waiting", new RingOptions { Capacity = 4096 });
        var (name, ring, producer, consumer) = test;
        var seen = new List<(int Type, int Byte)>();
        RingMessageHandler collect = (type, payload) => seen.Add((type, payload[0]));

        using (var cancellation = new CancellationTokenSource())
        {
            var reading = Task.Run(() => consumer.Read(collect, 10, Generous, cancellation.Token));
            await Task.Delay(100);
            Assert.False(reading.IsCompleted, "the timed Read did not wait on the empty ring");
            cancellation.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(Generous));
        }

        Assert.True(producer.TryWrite(new byte[] { 1 }, messageType: 1));
        Assert.Equal(1, consumer.Read(collect, 10, Generous));

        using (var cancellation = new CancellationTokenSource())
        {
            Task<int> reading = consumer.ReadAsync(collect, 10, cancellation.Token).AsTask();
            await Task.Delay(100);
            Assert.False(reading.IsCompleted, "ReadAsync did not wait on the empty ring");
            cancellation.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => reading.WaitAsync(Generous));
        }

        Assert.True(producer.TryWrite(new byte[] { 2 }, messageType: 2));
        Assert.Equal(1, await consumer.ReadAsync(collect, 10).AsTask().WaitAsync(Generous));
        Assert.Equal(new[] { (1, 1), (2, 2) }, seen);
        Assert.False(consumer.TryRead(out _));
    }

    /// <summary>"A claim still open when its producer is disposed can be committed or aborted afterwards" and "an
    /// aborted claim, or one disposed without Commit, leaves no record" — aborted after the producer and its
    /// <see cref="SharedRing"/> were disposed. (Committing afterwards: <c>RingBehaviourTests</c>.)</summary>
    [Theory]
    [InlineData(RingKind.Spsc, "abort")]
    [InlineData(RingKind.Spsc, "dispose")]
    [InlineData(RingKind.Mpsc, "abort")]
    [InlineData(RingKind.Mpsc, "dispose")]
    public void A_claim_aborted_after_its_producer_and_ring_were_disposed_leaves_no_record(RingKind kind, string how)
    {
        using var name = new TempName("abort-after-dispose");
        var ring = SharedRing.Create(name, new RingOptions { Kind = kind, Capacity = 4096 });
        var producer = ring.CreateProducer();
        Assert.True(producer.TryClaim(24, out RingClaim claim, messageType: 4));
        claim.Span.Fill(0xEE);

        using var reader = SharedRing.Open(name);
        using var consumer = reader.CreateConsumer();
        Assert.False(consumer.TryRead(out _)); // it stops at the open claim

        producer.Dispose();
        ring.Dispose();
        if (how == "abort")
        {
            claim.Abort();
        }
        else
        {
            claim.Dispose();
        }

        using var writer = reader.CreateProducer(); // SPSC: the disposed producer's role is free
        Assert.True(writer.TryWrite(new byte[] { 7 }, messageType: 5));
        var seen = new List<(int Type, byte[] Payload)>();
        Assert.Equal(1, consumer.Read((type, payload) => seen.Add((type, payload.ToArray()))));
        Assert.Equal(5, seen[0].Type);
        Assert.Equal(new byte[] { 7 }, seen[0].Payload);
        Assert.False(consumer.TryRead(out _));
    }

    /// <summary>"The space is reserved with posix_fallocate, so a full /dev/shm fails at creation instead of with
    /// SIGBUS later." The peer runs in a private mount namespace whose /dev/shm is a 1 MiB tmpfs; its "create" mode
    /// writes two laps through the ring, so a sparse file would die of SIGBUS there.</summary>
    [Fact]
    public async Task A_full_dev_shm_fails_at_creation_with_an_IOException_not_with_SIGBUS_later()
    {
        if (!Prerequisite.Holds(Prerequisite.IsRoot && File.Exists("/usr/bin/unshare"),
                "root and /usr/bin/unshare, to give the peer a private /dev/shm of 1 MiB"))
        {
            return;
        }

        // Control: the namespace works, and a ring that fits in it is created and used.
        string control = await RunPeerWithTinyDevShmAsync("create", $"tiny-shm-fits-{Guid.NewGuid():N}", "4096");
        Assert.True(Lines(control).Contains("created"), $"the control ring was not created in the 1 MiB /dev/shm:\n{control}");

        string full = await RunPeerWithTinyDevShmAsync("create", $"tiny-shm-full-{Guid.NewGuid():N}", (4 << 20).ToString());
        string refusal = Lines(full).SingleOrDefault(line => line.StartsWith("refused", StringComparison.Ordinal)) ?? "";
        Assert.True(refusal.StartsWith("refused IOException: ", StringComparison.Ordinal), $"a 4 MiB ring in a 1 MiB /dev/shm was not refused with an IOException:\n{full}");
        Assert.Contains("not enough space", refusal);
        Assert.DoesNotContain("created", Lines(full));
    }

    /// <summary>"Capacity: a power of two from 4 KiB to 1 GiB" and "Message length: 0 to capacity / 8 − 8 bytes": the
    /// largest ring carries the longest message, written where it must wrap to the start of the data area, byte for byte.</summary>
    [Fact]
    public void A_1_GiB_ring_carries_a_message_of_the_maximum_length_across_the_wrap_point()
    {
        const int Capacity = 1 << 30;
        const int MaxLength = Capacity / 8 - 8;
        using var name = new TempName("1gib");
        using var ring = SharedRing.Create(name, new RingOptions { Capacity = Capacity });
        Assert.Equal(Capacity, ring.Capacity);
        Assert.Equal(MaxLength, ring.MaxMessageLength);
        Assert.Equal(RingHeader.Size + (long)Capacity, new FileInfo(name.Path).Length);
        using var producer = ring.CreateProducer();
        using var consumer = ring.CreateConsumer();
        Assert.Throws<ArgumentException>(() => producer.TryClaim(MaxLength + 1, out _));

        // A short message first, so that records of the maximum length (capacity / 8) no longer end at the end of the
        // data area; then seven of them, read as they come: the tail stops 112 bytes short of the last eighth.
        Assert.True(producer.TryWrite(new byte[100], messageType: 100));
        Assert.Equal(1, consumer.Read((type, payload) => Assert.Equal((100, 100), (type, payload.Length))));
        for (int i = 0; i < 7; i++)
        {
            WriteLongest(producer, seed: i);
            ReadLongest(consumer, seed: i);
        }

        long tail = ring.Header.Tail.LoadAcquire();
        Assert.Equal((7L * (Capacity / 8)) + 112, tail);

        // The next one does not fit before the end: padding fills the end, and the record starts the next lap at index 0.
        WriteLongest(producer, seed: 7);
        Assert.Equal(Capacity + (Capacity / 8L), ring.Header.Tail.LoadAcquire());
        ReadLongest(consumer, seed: 7);
        Assert.False(consumer.TryRead(out _));
        Assert.Equal(Capacity + (Capacity / 8L), ring.Header.Head.LoadAcquire());
    }

    /// <summary>"Capacity: ... (default 1 MiB)", the default kind (SPSC), and "SpinThenBlock(spins) (the default) polls
    /// spins times (default 1000)".</summary>
    [Fact]
    public void The_defaults_are_an_spsc_ring_of_1_MiB_and_spin_then_block_with_1000_spins()
    {
        var options = new RingOptions();
        Assert.Equal(1 << 20, options.Capacity);
        Assert.Equal(1 << 20, RingOptions.DefaultCapacity);
        Assert.Equal(RingKind.Spsc, options.Kind);

        using var name = new TempName("defaults");
        using (var ring = SharedRing.Create(name, options: null))
        {
            Assert.Equal(1_048_576, ring.Capacity);
            Assert.Equal(RingKind.Spsc, ring.Kind);
            Assert.Equal(1_048_576 / 8 - 8, ring.MaxMessageLength);
            using var opened = SharedRing.Open(name);
            Assert.Equal((1_048_576, RingKind.Spsc), (opened.Capacity, opened.Kind));
            Assert.Equal(RingHeader.Size + 1_048_576L, new FileInfo(name.Path).Length);
        }

        Assert.Equal(4000, WaitStrategy.DefaultSpinCount);
        Assert.Equal(4000, WaitStrategy.Default.SpinCount);
        Assert.Equal(WaitStrategyKind.SpinThenBlock, WaitStrategy.Default.Kind);
        Assert.Equal(4000, WaitStrategy.SpinThenBlock().SpinCount);
        Assert.Equal(4000, WaitStrategy.SpinThenYield().SpinCount);
    }

    /// <summary>Fills the longest message in place: 8-byte words that depend on their index and on <paramref name="seed"/>,
    /// so that a misplaced, stale or zeroed word cannot pass for the right one.</summary>
    private static void WriteLongest(RingProducer producer, int seed)
    {
        Assert.True(producer.TryClaim(producer.MaxMessageLength, out RingClaim claim, messageType: seed));
        Span<long> words = MemoryMarshal.Cast<byte, long>(claim.Span);
        Assert.Equal(producer.MaxMessageLength / 8, words.Length);
        for (int i = 0; i < words.Length; i++)
        {
            words[i] = Word(seed, i);
        }

        claim.Commit();
    }

    private static void ReadLongest(RingConsumer consumer, int seed)
    {
        Assert.True(consumer.TryRead(out RingMessage message), $"message {seed} is missing");
        using (message)
        {
            Assert.Equal(seed, message.MessageType);
            ReadOnlySpan<byte> payload = message.Payload;
            Assert.Equal(consumer.Ring.MaxMessageLength, payload.Length);
            ReadOnlySpan<long> words = MemoryMarshal.Cast<byte, long>(payload);
            for (int i = 0; i < words.Length; i++)
            {
                if (words[i] != Word(seed, i))
                {
                    Assert.Fail($"message {seed}: word {i} (byte {8L * i}) is 0x{words[i]:X16}, expected 0x{Word(seed, i):X16}");
                }
            }
        }
    }

    private static long Word(int seed, int index) => unchecked(((index + 1L) * -7046029254386353131L) ^ ((long)seed << 56) ^ seed);

    private static string[] Lines(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Runs the 64-bit peer (as <see cref="PeerProcess.Start"/> does) in a private mount namespace whose
    /// /dev/shm is a 1 MiB tmpfs, and returns its output once it exited successfully.</summary>
    private static async Task<string> RunPeerWithTinyDevShmAsync(params string[] arguments)
    {
        string peer = Path.Combine(AppContext.BaseDirectory, "RingIpc.Peer.dll");
        Assert.True(File.Exists(peer), $"peer executable missing: {peer}");
        var info = new ProcessStartInfo("/usr/bin/unshare")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string argument in new[]
                 {
                     "--mount", "--propagation", "private", "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /dev/shm && exec \"$0\" \"$@\"",
                     Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet", peer,
                 }.Concat(arguments))
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("the peer in the private mount namespace did not finish within 2 minutes");
        }

        string text = await output + await errors;
        Assert.True(process.ExitCode == 0, $"the peer in the private mount namespace exited with {process.ExitCode} (SIGBUS: 135):\n{text}");
        return text;
    }
}
