using System;
using System.Diagnostics;
using BenchmarkDotNet.Attributes;

namespace RingIpc.Bench.Micro;

/// <summary>
/// Single-thread costs of the ring's API on one mapping (producer and consumer in this process, on this thread): what a
/// message costs the code, without a second core, cache-line transfers or wake-ups (the cross-process harness measures
/// those). One operation = one message written and read back, so the allocation column must read 0 B.
/// </summary>
[MemoryDiagnoser]
public class RingMicroBenchmarks
{
    private const int Batch = 64;
    private byte[] _payload = Array.Empty<byte>();
    private readonly RingMessageHandler _handler;
    private SharedRing _ring = null!;
    private RingProducer _producer = null!;
    private RingConsumer _consumer = null!;
    private string _name = "";
    private long _checksum;

    /// <summary>Creates the counting handler once, so no benchmark allocates a delegate.</summary>
    public RingMicroBenchmarks() => _handler = (type, payload) => _checksum += payload.Length + type;

    /// <summary>Message payload size in bytes.</summary>
    [Params(16, 64, 1024)]
    public int Size { get; set; }

    /// <summary>Ring kind: SPSC (plain tail store) or MPSC (CAS on the tail).</summary>
    [Params(RingKind.Spsc, RingKind.Mpsc)]
    public RingKind Kind { get; set; }

    /// <summary>A fresh 1 MiB ring per parameter set.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _name = $"bench-micro-{Environment.ProcessId}-{Stopwatch.GetTimestamp()}";
        _ring = SharedRing.Create(_name, new RingOptions { Kind = Kind, Capacity = 1 << 20 });
        _producer = _ring.CreateProducer();
        _consumer = _ring.CreateConsumer();
        _payload = new byte[Size];
    }

    /// <summary>Disposes the endpoints and deletes the ring.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        _consumer.Dispose();
        _producer.Dispose();
        _ring.Dispose();
        SharedRing.Delete(_name);
    }

    /// <summary>Copying write, zero-copy read, release.</summary>
    [Benchmark(Baseline = true, Description = "TryWrite + TryRead")]
    public int WriteThenRead()
    {
        _producer.TryWrite(_payload, messageType: 1);
        _consumer.TryRead(out RingMessage message);
        int length = message.Payload.Length;
        message.Dispose();
        return length;
    }

    /// <summary>Zero-copy write (claim, fill, commit), zero-copy read.</summary>
    [Benchmark(Description = "TryClaim/Commit + TryRead")]
    public int ClaimCommitThenRead()
    {
        if (_producer.TryClaim(Size, out RingClaim claim, messageType: 1))
        {
            _payload.CopyTo(claim.Span);
            claim.Commit();
        }

        _consumer.TryRead(out RingMessage message);
        int length = message.Payload.Length;
        message.Dispose();
        return length;
    }

    /// <summary>64 copying writes, then one batch read of all 64 (reported per message).</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "TryWrite x64 + Read(batch)")]
    public long WriteThenBatchRead()
    {
        for (int i = 0; i < Batch; i++)
        {
            _producer.TryWrite(_payload, messageType: 1);
        }

        _consumer.Read(_handler, Batch);
        return _checksum;
    }

    /// <summary>64 copying writes into one batch, one commit, then one batch read of all 64 (reported per message).</summary>
    [Benchmark(OperationsPerInvoke = Batch, Description = "TryBeginBatch, TryWrite x64, Commit + Read(batch)")]
    public long BatchWriteThenBatchRead()
    {
        if (_producer.TryBeginBatch(Batch * (Size + 8), out RingBatch batch))
        {
            for (int i = 0; i < Batch; i++)
            {
                batch.TryWrite(_payload, messageType: 1);
            }

            batch.Commit();
        }

        _consumer.Read(_handler, Batch);
        return _checksum;
    }

    /// <summary>A generated layout written and read as a value (the size parameter does not apply).</summary>
    [Benchmark(Description = "typed TryWrite<MicroQuote> + TryRead<MicroQuote>")]
    public long TypedWriteThenRead()
    {
        var quote = new MicroQuote { Instrument = 42, Price = 101.25, Quantity = Size, Buy = true, TimestampTicks = 7 };
        _producer.TryWrite(quote, messageType: 2);
        _consumer.TryRead(out MicroQuote received, out _);
        return received.Instrument;
    }
}
