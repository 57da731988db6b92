using System;
using System.Diagnostics;
using System.Globalization;

namespace RingIpc.Peer;

/// <summary>
/// A producer or consumer process for the cross-process tests. Exit code 0 means success and the
/// last line of output says what was verified; any failure prints a reason and exits non-zero.
/// <code>
/// produce &lt;ring&gt; &lt;producer-id&gt; &lt;count&gt; &lt;timeout-s&gt;
/// consume &lt;ring&gt; &lt;producers&gt; &lt;count-per-producer&gt; &lt;timeout-s&gt;
/// bitness - 0 0 0          (prints IntPtr.Size)
/// </code>
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        try
        {
            string mode = args[0];
            string ring = args[1];
            int producerOrCount = int.Parse(args[2], CultureInfo.InvariantCulture);
            long count = long.Parse(args[3], CultureInfo.InvariantCulture);
            int timeoutSeconds = int.Parse(args[4], CultureInfo.InvariantCulture);
            return mode switch
            {
                "produce" => Produce(ring, producerOrCount, count, timeoutSeconds),
                "consume" => Consume(ring, producerOrCount, count, timeoutSeconds),
                "bitness" => PrintBitness(),
                _ => Fail($"unknown mode '{mode}'"),
            };
        }
        catch (Exception exception)
        {
            return Fail(exception.ToString());
        }
    }

    private static int Produce(string name, int producer, long count, int timeoutSeconds)
    {
        var clock = Stopwatch.StartNew();
        var backoff = new Backoff(clock, timeoutSeconds * 1000L);
        using SharedRing ring = SharedRing.Open(name);
        using RingProducer writer = ring.CreateProducer();
        Span<byte> message = stackalloc byte[TestMessage.MaxLength];
        for (long sequence = 0; sequence < count;)
        {
            // Alternate the copy path and the zero-copy path.
            int length = TestMessage.LengthOf(producer, sequence);
            bool written;
            if ((sequence & 1) == 0)
            {
                TestMessage.Write(message.Slice(0, length), producer, sequence);
                written = writer.TryWrite(message.Slice(0, length), messageType: producer);
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
                sequence++;
                backoff.Reset();
            }
            else if (!backoff.Wait())
            {
                return Fail($"producer {producer}: timed out after {sequence} of {count} messages");
            }
        }

        Console.WriteLine($"produced {count}");
        return 0;
    }

    private static int Consume(string name, int producers, long countPerProducer, int timeoutSeconds)
    {
        var clock = Stopwatch.StartNew();
        var backoff = new Backoff(clock, timeoutSeconds * 1000L);
        using SharedRing ring = SharedRing.Open(name);
        using RingConsumer reader = ring.CreateConsumer();
        var verifier = new Verifier(producers, countPerProducer);
        RingMessageHandler handler = verifier.Accept;
        long total = producers * countPerProducer;
        while (verifier.Received < total)
        {
            // Alternate batch reads and single zero-copy reads.
            int read = 0;
            if ((verifier.Received & 0x100) == 0)
            {
                read = reader.Read(handler, maxMessages: 64);
            }
            else if (reader.TryRead(out RingMessage message))
            {
                using (message)
                {
                    verifier.Accept(message.MessageType, message.Payload);
                }

                read = 1;
            }

            if (verifier.Error is not null)
            {
                return Fail(verifier.Error);
            }

            if (read > 0)
            {
                backoff.Reset();
            }
            else if (!backoff.Wait())
            {
                return Fail($"consumer: timed out after {verifier.Received} of {total} messages");
            }
        }

        // Nothing may follow the last expected message.
        if (reader.TryRead(out RingMessage extra))
        {
            extra.Dispose();
            return Fail("consumer: a message arrived after the last expected one");
        }

        Console.WriteLine($"verified {verifier.Received} messages from {producers} producers");
        return 0;
    }

    private static int PrintBitness()
    {
        Console.WriteLine($"IntPtr.Size={IntPtr.Size}");
        return 0;
    }

    private static int Fail(string reason)
    {
        Console.Error.WriteLine("FAILED: " + reason);
        return 1;
    }

    /// <summary>Checks each message and that every producer's sequence numbers arrive as 0, 1, 2, ...</summary>
    private sealed class Verifier(int producers, long countPerProducer)
    {
        private readonly long[] _next = new long[producers];

        public long Received { get; private set; }

        public string? Error { get; private set; }

        public void Accept(int messageType, ReadOnlySpan<byte> payload)
        {
            if (Error is not null)
            {
                return;
            }

            string? problem = TestMessage.Verify(payload, out int producer, out long sequence);
            if (problem is null && (producer >= producers || messageType != producer))
            {
                problem = $"producer {producer} with message type {messageType} was not expected";
            }

            if (problem is null && sequence != _next[producer])
            {
                problem = $"producer {producer}: expected sequence {_next[producer]}, got {sequence} (lost, duplicated or reordered)";
            }

            if (problem is null && sequence >= countPerProducer)
            {
                problem = $"producer {producer}: sequence {sequence} beyond the {countPerProducer} sent";
            }

            if (problem is not null)
            {
                Error = "consumer: " + problem;
                return;
            }

            _next[producer]++;
            Received++;
        }
    }
}
