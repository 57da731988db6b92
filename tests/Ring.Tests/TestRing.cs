using System;

namespace RingIpc.Tests;

/// <summary>A new ring with a unique name, one producer and the consumer; disposing it releases all of them
/// and deletes the ring, also when the test failed.</summary>
internal sealed class TestRing : IDisposable
{
    public TestRing(string purpose, RingOptions? options = null)
    {
        Name = new TempName(purpose);
        Ring = SharedRing.Create(Name, options);
        Producer = Ring.CreateProducer();
        Consumer = Ring.CreateConsumer();
    }

    public TempName Name { get; }

    public SharedRing Ring { get; }

    public RingProducer Producer { get; }

    public RingConsumer Consumer { get; }

    public void Deconstruct(out TempName name, out SharedRing ring, out RingProducer producer, out RingConsumer consumer) =>
        (name, ring, producer, consumer) = (Name, Ring, Producer, Consumer);

    public void Dispose()
    {
        Consumer.Dispose();
        Producer.Dispose();
        Ring.Dispose();
        Name.Dispose();
    }
}
