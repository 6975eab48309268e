package orgs

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
)

// ResourceTags returns the tags of an OU, policy, account or root. Read
// reads accounts' tags only (the plan needs no others); export --live reads
// those of the OUs and policies it declares, so that the declaration keeps
// them as they are.
func (c *Client) ResourceTags(ctx context.Context, id string) (map[string]string, error) {
	tags := map[string]string{}
	p := organizations.NewListTagsForResourcePaginator(c.api, &organizations.ListTagsForResourceInput{ResourceId: aws.String(id)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, wrap("ListTagsForResource "+id, err)
		}
		for _, t := range page.Tags {
			tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
		}
	}
	return tags, nil
}
