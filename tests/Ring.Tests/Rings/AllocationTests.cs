using System;
using Xunit;

namespace RingIpc.Tests.Rings;

public class AllocationTests
{
    private const int Messages = 100_000;

    [Theory]
    [InlineData(RingKind.Spsc)]
    [InlineData(RingKind.Mpsc)]
    public void Writing_and_reading_allocates_nothing_per_message(RingKind kind)
    {
        using var test = new TestRing("alloc", new RingOptions { Kind = kind, Capacity = 64 * 1024 });
        var (name, ring, producer, consumer) = test;
        RingMessageHandler handler = static (_, payload) => { };

        RunAllPaths(producer, consumer, handler, 1_000); // warm up: JIT, tiering
        long before = GC.GetAllocatedBytesForCurrentThread();
        long checksum = RunAllPaths(producer, consumer, handler, Messages);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True(checksum > 0);
    }

    /// <summary>Moves <paramref name="count"/> messages through every write and read path.</summary>
    private static long RunAllPaths(RingProducer producer, RingConsumer consumer, RingMessageHandler handler, int count)
    {
        Span<byte> payload = stackalloc byte[48];
        long checksum = 0;
        for (int i = 0; i < count; i++)
        {
            payload[0] = (byte)i;
            switch (i % 6)
            {
                case 5:
                    Assert.True(producer.TryBeginBatch(128, out RingBatch batch));
                    Assert.True(batch.TryWrite(payload.Slice(0, 8), messageType: 3));
                    Assert.True(batch.TryWrite((long)i, messageType: 4));
                    Assert.True(batch.TryClaim(8, out Span<byte> inPlace));
                    inPlace[0] = (byte)i;
                    batch.Commit();
                    break;
                case 0:
                    Assert.True(producer.TryWrite(payload.Slice(0, i % 48)));
                    break;
                case 1:
                    Assert.True(producer.TryWrite((long)i, messageType: 1));
                    break;
                case 2:
                    producer.Write(payload.Slice(0, 16), 2, TimeSpan.FromSeconds(10));
                    break;
                default:
                    Assert.True(producer.TryClaim(24, out RingClaim claim));
                    claim.Span[0] = (byte)i;
                    claim.Commit();
                    break;
            }

            switch (i % 3)
            {
                case 0:
                    Assert.True(consumer.TryRead(out RingMessage message));
                    checksum += message.Payload.Length + 1;
                    message.Dispose();
                    break;
                case 1:
                    checksum += consumer.Read(handler);
                    break;
                default:
                    Assert.True(consumer.WaitForData(TimeSpan.FromSeconds(10)));
                    checksum += consumer.Read(handler, 8, TimeSpan.FromSeconds(10));
                    break;
            }
        }

        return checksum;
    }
}
