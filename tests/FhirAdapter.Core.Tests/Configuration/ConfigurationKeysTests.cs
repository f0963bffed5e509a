using System.ComponentModel.DataAnnotations;
using FhirAdapter.Core.Configuration;
using FhirAdapter.Core.Mapping;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FhirAdapter.Core.Tests.Configuration;

public sealed class ConfigurationKeysTests
{
    [Fact]
    public void A_generated_validator_names_full_keys_down_nested_sections_and_list_items()
    {
        var options = new Root { Count = 0, Items = [new Item(), new Item { Limit = 0, Url = "ftp://x" }], Nested = new Item { Name = "", Ratio = 0 } };

        var result = ConfigurationKeys.Validate(new RootValidator(), "Adapter:Test", options);

        Assert.Equal(
            [
                "Adapter:Test:Count must be between 1 and 5",
                "Adapter:Test:Items:1:Limit must be between 1 and 10",
                "Adapter:Test:Items:1:Url must be an absolute http(s) URL",
                "Adapter:Test:Nested:Name is required",
                "Adapter:Test:Nested:Ratio must be greater than 0 and at most 1",
            ],
            result.Failures!.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_messages_come_from_the_members_attributes_not_from_the_validators_wording()
    {
        var options = new Root { Count = 0, Items = [new Item(), new Item { Limit = 0 }], Nested = new Item { Name = "" } };
        // Another wording (another version, another language) of the same failures, named the generator's way; and a rule's own message.
        var validator = new FixedFailures(
            "Count: Le champ Adapter:Test.Count doit être compris entre 1 et 5.",
            "Limit: Adapter:Test.Items[1].Limit ist ungültig",
            "Name: Adapter:Test.Nested.Name?",
            "Count, Items: Adapter:Test:Count must not exceed the number of items");

        var result = ConfigurationKeys.Validate(validator, "Adapter:Test", options);

        Assert.Equal(
            [
                "Adapter:Test:Count must be between 1 and 5",
                "Adapter:Test:Items:1:Limit must be between 1 and 10",
                "Adapter:Test:Nested:Name is required",
                "Adapter:Test:Count must not exceed the number of items",
            ],
            result.Failures);
    }

    [Fact]
    public void Valid_options_pass()
    {
        var result = ConfigurationKeys.Validate(new RootValidator(), "Adapter:Test", new Root { Nested = new Item { Name = "n" } });

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void The_mapping_options_fail_on_start_naming_the_key()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new("Adapter:Mapping:CanonicalBase", "urn:clinic")]).Build();
        using var services = new ServiceCollection().AddMappingOptions(configuration).AddMappingOptions(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        // Registered twice, reported once.
        Assert.Equal(["Adapter:Mapping:CanonicalBase must be an absolute http(s) URL"], error.Failures);
    }

    private sealed class FixedFailures(params string[] failures) : IValidateOptions<Root>
    {
        public ValidateOptionsResult Validate(string? name, Root options) => ValidateOptionsResult.Fail(failures);
    }

    internal sealed class Root
    {
        [Range(1, 5)]
        public int Count { get; set; } = 1;

        [ValidateEnumeratedItems]
        public List<Item> Items { get; set; } = [];

        [ValidateObjectMembers]
        public Item Nested { get; set; } = new() { Name = "n" };
    }

    internal sealed class Item
    {
        [Required]
        public string Name { get; set; } = "n";

        [Range(1, 10)]
        public int Limit { get; set; } = 1;

        [Range(0.0, 1.0, MinimumIsExclusive = true)]
        public double Ratio { get; set; } = 0.5;

        [HttpUrl]
        public string? Url { get; set; }
    }
}

[OptionsValidator]
internal sealed partial class RootValidator : IValidateOptions<ConfigurationKeysTests.Root>;
