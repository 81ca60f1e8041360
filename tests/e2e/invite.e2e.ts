import { seedDemo } from './demo';
import { expect, test } from './fixtures';
import { fillFirstHalf, fillSecondHalf, person } from './questionnaire';

test('(d) an invite link attributes the sign-up to its partner organization', async ({ page, app }) => {
	const demo = seedDemo(app);
	const organization = demo.partnerOrganizations[1];
	if (!organization) throw new Error('The demo should seed several partner organizations.');
	const code = new URL(organization.inviteUrl).pathname.split('/').pop() ?? '';

	await page.goto(organization.inviteUrl);
	await expect(page).toHaveURL(/\/signup$/);
	await expect(page.getByLabel(/Invite code/)).toHaveValue(code.toUpperCase());
	// Birmingham is the demo community; the default community is there too, so choose it by name.
	await page.getByLabel('Your community').selectOption({ label: 'Birmingham, AL' });

	const who = person();
	await fillFirstHalf(page, who);
	await fillSecondHalf(page, who);
	await expect(page.getByTestId('personal-code')).toBeVisible();

	const rows = app.query<{ name: string }>(
		`select o.name from participants p
		 join users u on u.id = p.user_id
		 join partner_organizations o on o.id = p.partner_organization_id
		 where u.email = ?`,
		who.email
	);
	expect(rows).toEqual([{ name: organization.name }]);
});

test('a mistyped invite code is refused with a message next to the field, and nothing is lost', async ({
	page,
	app
}) => {
	await page.goto(`${app.url}/join/NOPE-0000`);
	await expect(page.getByLabel(/Invite code/)).toHaveValue('NOPE-0000');
	const who = person();
	await fillFirstHalf(page, who);
	await fillSecondHalf(page, who);

	await expect(page.getByRole('heading', { name: 'Your sign-up needs a fix' })).toBeVisible();
	await expect(page.getByRole('alert')).toContainText('invite code');
	await page.getByRole('link', { name: 'Review your answers' }).click();
	await expect(page.locator('#inviteCode-error')).toBeVisible();
	await expect(page.getByLabel('Email')).toHaveValue(who.email);
	await page.getByLabel(/Invite code/).fill('');
	for (let step = 0; step < 6; step++) await page.getByRole('button', { name: 'Save and continue' }).click();
	await page.getByRole('button', { name: 'Sign up' }).click();
	await expect(page.getByTestId('personal-code')).toBeVisible();
	expect(app.query('select 1 from users where email = ?', who.email)).toHaveLength(1);
});
