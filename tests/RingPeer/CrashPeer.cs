using System;
using System.Diagnostics;

namespace RingIpc.Peer;

/// <summary>
/// The victims of the crash tests (tests/Ring.Tests/Crash): a producer or consumer that reports on standard output what
/// it has done, so that the test knows, after killing it (usually at a crash point armed by <c>RINGIPC_TEST_CRASH_AT</c>),
/// exactly what it committed or released.
/// </summary>
public static class CrashPeer
{
    /// <summary>Writes <see cref="TestMessage"/>s 0, 1, 2, ... of <paramref name="producer"/> and prints
    /// <c>committed &lt;sequence&gt;</c> after each commit. <paramref name="how"/> <c>try</c> alternates <c>TryWrite</c> and
    /// <c>TryClaim</c> and backs off when full; <c>blocking</c> uses <c>Write</c>, which sleeps on a full ring.</summary>
    public static int Produce(string name, int producer, long count, string how, int timeoutSeconds)
    {
        var clock = Stopwatch.StartNew();
        var backoff = new Backoff(clock, timeoutSeconds * 1000L);
        using SharedRing ring = SharedRing.Open(name);
        using RingProducer writer = ring.CreateProducer();
        Console.WriteLine("attached");
        Span<byte> message = stackalloc byte[TestMessage.MaxLength];
        for (long sequence = 0; sequence < count;)
        {
            int length = TestMessage.LengthOf(producer, sequence);
            Span<byte> body = message.Slice(0, length);
            bool written;
            if (how == "blocking")
            {
                TestMessage.Write(body, producer, sequence);
                writer.Write(body, producer, TimeSpan.FromSeconds(timeoutSeconds));
                written = true;
            }
            else if ((sequence & 1) == 0)
            {
                TestMessage.Write(body, producer, sequence);
                written = writer.TryWrite(body, messageType: producer);
            }
            else if (writer.TryClaim(length, out RingClaim claim, messageType: producer))
            {
                TestMessage.Write(claim.Span, producer, sequence);
                claim.Commit();
                written = true;
            }
            else
            {
                written = false;
            }

            if (written)
            {
                Console.WriteLine("committed " + sequence);
                sequence++;
                backoff.Reset();
            }
            else if (!backoff.Wait())
            {
                return Program.Fail($"producer {producer}: timed out after {sequence} of {count} messages");
            }
        }

        Console.WriteLine($"produced {count}");
        return 0;
    }

    /// <summary>Reads for up to <paramref name="seconds"/>, printing <c>handed &lt;producer&gt; &lt;sequence&gt;</c> for each
    /// message handed out and <c>released</c> once the messages handed out so far are released: after each batch
    /// <c>Read</c> (<paramref name="how"/> <c>batch</c>) or each disposed <c>TryRead</c> message (<c>try</c>).
    /// A corrupt message fails the process.</summary>
    public static int Consume(string name, string how, int seconds)
    {
        var clock = Stopwatch.StartNew();
        using SharedRing ring = SharedRing.Open(name);
        using RingConsumer reader = ring.CreateConsumer();
        Console.WriteLine("attached");
        string? error = null;
        void Hand(int type, ReadOnlySpan<byte> payload)
        {
            string? problem = TestMessage.Verify(payload, out int producer, out long sequence);
            error ??= problem;
            Console.WriteLine($"handed {producer} {sequence}");
        }

        RingMessageHandler handler = Hand;
        while (clock.Elapsed.TotalSeconds < seconds && error is null)
        {
            int read;
            if (how == "batch")
            {
                read = reader.Read(handler, maxMessages: 16, TimeSpan.FromMilliseconds(100));
            }
            else if (reader.TryRead(out RingMessage message))
            {
                using (message)
                {
                    Hand(message.MessageType, message.Payload);
                }

                read = 1;
            }
            else
            {
                reader.WaitForData(TimeSpan.FromMilliseconds(100));
                read = 0;
            }

            if (read != 0)
            {
                Console.WriteLine("released");
            }
        }

        return error is null ? 0 : Program.Fail("consumer: " + error);
    }
}
