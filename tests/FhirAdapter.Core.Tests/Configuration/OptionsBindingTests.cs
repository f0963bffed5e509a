using FhirAdapter.Core.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Core.Tests.Configuration;

public sealed class OptionsBindingTests
{
    [Fact]
    public void Values_of_the_wrong_type_fail_naming_every_full_key_and_what_it_must_be()
    {
        var section = Section(
            ("Flag", "maybe"),
            ("Count", "many"),
            ("Level", "loud"),
            ("Wait", "1h"),
            ("Nested:Ratio", "half"),
            ("Items:0:Limit", "3"),
            ("Items:1:Limit", "ten"),
            ("Unknown", "whatever"),
            ("Name", "any text"));

        var error = Assert.Throws<OptionsValidationException>(() => OptionsBinding.Bind(section, new Root()));

        Assert.Equal(
            [
                "Adapter:Test:Count must be a whole number",
                "Adapter:Test:Flag must be true or false",
                "Adapter:Test:Items:1:Limit must be a whole number",
                "Adapter:Test:Level must be one of Low, High",
                "Adapter:Test:Nested:Ratio must be a number",
                "Adapter:Test:Wait must be a duration such as 00:05:00",
            ],
            error.Failures);
    }

    [Fact]
    public void A_list_item_of_the_wrong_type_fails_where_the_binder_alone_would_drop_the_item()
    {
        var section = Section(("Items:0:Limit", "3"), ("Items:1:Limit", "ten"));
        var bound = new Root();
        section.Bind(bound);
        Assert.Single(bound.Items); // what the binder does on its own: the second item is silently gone

        var error = Assert.Throws<OptionsValidationException>(() => OptionsBinding.Bind(section, new Root()));

        Assert.Equal(["Adapter:Test:Items:1:Limit must be a whole number"], error.Failures);
    }

    [Fact]
    public void Values_of_the_right_type_are_bound_as_the_binder_binds_them()
    {
        var section = Section(("Flag", "True"), ("Count", "7"), ("Level", "high"), ("Wait", "00:00:30"), ("Optional", ""), ("Items:0:Limit", "3"), ("Nested:Ratio", "0.25"));
        var options = new Root();

        OptionsBinding.Bind(section, options);

        Assert.Equal((true, 7, Level.High, TimeSpan.FromSeconds(30), null, 0.25), (options.Flag, options.Count, options.Level, options.Wait, options.Optional, options.Nested.Ratio));
        Assert.Equal(3, Assert.Single(options.Items).Limit);
    }

    [Theory]
    [InlineData("Flag", "true")]
    [InlineData("Flag", "1")]
    [InlineData("Flag", "")]
    [InlineData("Count", " 12 ")]
    [InlineData("Count", "1e3")]
    [InlineData("Count", "99999999999")]
    [InlineData("Count", "")]
    [InlineData("Level", "1")]
    [InlineData("Level", "Low, High")]
    [InlineData("Level", "Medium")]
    [InlineData("Optional", "")]
    [InlineData("Optional", "x")]
    [InlineData("Wait", "5")]
    [InlineData("Wait", "00:61:00")]
    [InlineData("Nested:Ratio", "1,5")]
    [InlineData("Nested:Ratio", "NaN")]
    public void The_check_agrees_with_the_binder(string key, string value)
    {
        var section = Section((key, value));
        var binderFails = Record.Exception(() => section.Bind(new Root())) is not null;

        var failures = OptionsBinding.Unconvertible(section, typeof(Root));

        Assert.Equal(binderFails, failures.Count > 0);
    }

    private static IConfigurationSection Section(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>("Adapter:Test:" + v.Key, v.Value)))
            .Build()
            .GetSection("Adapter:Test");

    public enum Level
    {
        Low,
        High,
    }

    internal sealed class Root
    {
        public bool Flag { get; set; }

        public int Count { get; set; }

        public Level Level { get; set; }

        public TimeSpan Wait { get; set; }

        public int? Optional { get; set; }

        public string Name { get; set; } = "";

        public List<Item> Items { get; } = [];

        public Item Nested { get; set; } = new();
    }

    internal sealed class Item
    {
        public int Limit { get; set; }

        public double Ratio { get; set; }
    }
}
