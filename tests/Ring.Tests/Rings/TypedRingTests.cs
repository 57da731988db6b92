using System;
using Xunit;

namespace RingIpc.Tests.Rings;

/// <summary>A quote as version 1 of an application defines it.</summary>
[SharedLayout]
public partial struct QuoteV1
{
    public partial long Instrument { get; set; }

    public partial double Price { get; set; }
}

/// <summary>The same quote, version 2: one field more, so another layout and fingerprint.</summary>
[SharedLayout]
public partial struct QuoteV2
{
    public partial long Instrument { get; set; }

    public partial double Price { get; set; }

    public partial int Quantity { get; set; }
}

/// <summary>Typed rings record their message struct's fingerprint; a process with another version is refused.</summary>
public class TypedRingTests
{
    [Fact]
    public void A_typed_ring_carries_its_struct_between_mappings()
    {
        using var name = new TempName("typed");
        using var created = SharedRing.Create<QuoteV1>(name);
        using var opened = SharedRing.Open<QuoteV1>(name);
        Assert.Equal(SharedLayoutInfo.FingerprintOf<QuoteV1>(), opened.MessageFingerprint);
        Assert.NotEqual(0UL, opened.MessageFingerprint);
        using var producer = created.CreateProducer();
        using var consumer = opened.CreateConsumer();
        var quote = new QuoteV1 { Instrument = 7, Price = 101.25 };
        Assert.True(producer.TryWrite(quote, messageType: 3));
        Assert.True(consumer.TryRead(out QuoteV1 received, out int type));
        Assert.Equal((7L, 101.25, 3), (received.Instrument, received.Price, type));
        Assert.False(consumer.TryRead(out received, out _));
    }

    [Fact]
    public void Another_version_of_the_struct_is_refused_with_both_fingerprints()
    {
        using var name = new TempName("typed-mismatch");
        using var created = SharedRing.Create<QuoteV1>(name);
        var error = Assert.Throws<RingLayoutMismatchException>(() => SharedRing.Open<QuoteV2>(name));
        Assert.Equal(SharedLayoutInfo.FingerprintOf<QuoteV2>(), error.ExpectedFingerprint);
        Assert.Equal(SharedLayoutInfo.FingerprintOf<QuoteV1>(), error.FoundFingerprint);
        Assert.Contains(nameof(QuoteV2), error.Message);
        Assert.Contains($"{error.FoundFingerprint:X16}", error.Message);
        Assert.Throws<RingLayoutMismatchException>(() => SharedRing.OpenOrCreate<QuoteV2>(name));
    }

    [Fact]
    public void An_untyped_ring_is_not_a_typed_one_but_a_typed_ring_can_be_read_as_bytes()
    {
        using var untypedName = new TempName("untyped");
        using var untyped = SharedRing.Create(untypedName);
        Assert.Equal(0UL, Assert.Throws<RingLayoutMismatchException>(() => SharedRing.Open<QuoteV1>(untypedName)).FoundFingerprint);

        using var typedName = new TempName("typed-bytes");
        using var typed = SharedRing.OpenOrCreate<QuoteV1>(typedName);
        using var asBytes = SharedRing.Open(typedName);
        Assert.Equal(typed.MessageFingerprint, asBytes.MessageFingerprint);
    }

    [Fact]
    public void A_typed_ring_takes_only_messages_of_its_struct_size()
    {
        using var name = new TempName("typed-write");
        using var ring = SharedRing.Create<QuoteV1>(name);
        using var producer = ring.CreateProducer();
        Assert.Contains("16 bytes", Assert.Throws<ArgumentException>(() => producer.TryWrite(new byte[3])).Message);
        Assert.Throws<ArgumentException>(() => producer.TryClaim(17, out _));
        Assert.True(producer.TryWrite(new byte[16]));
    }

    [Fact]
    public void Reading_a_message_of_another_size_as_a_struct_fails_and_consumes_nothing()
    {
        using var test = new TestRing("typed-size");
        var (name, ring, producer, consumer) = test;
        producer.TryWrite(new byte[3]);
        Assert.Equal("message length", Assert.Throws<RingFormatException>(() => consumer.TryRead(out QuoteV1 _, out _)).Field);
        Assert.Equal(1, consumer.Read((_, payload) => Assert.Equal(3, payload.Length)));
    }

    [Fact]
    public void A_recorded_message_size_must_agree_with_the_fingerprint()
    {
        using var name = new TempName("typed-corrupt");
        using (SharedRing.Create<QuoteV1>(name))
        {
        }

        using (var section = SharedSection.Open(name))
        {
            section.GetSpan(40, 4).Clear(); // message size 0 with a fingerprint
        }

        Assert.Equal("message size", Assert.Throws<RingFormatException>(() => SharedRing.Open(name)).Field);
    }
}
