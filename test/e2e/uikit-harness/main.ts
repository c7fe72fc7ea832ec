// Browser-test harness for the UI kit: built by test/e2e/uikit.test.ts with
// Vite's build API into a temp dir and served there. Never part of the product.
import { mount } from 'svelte';
import '../../../client/src/app.css';
import Harness from './Harness.svelte';

mount(Harness, { target: document.getElementById('app')! });
